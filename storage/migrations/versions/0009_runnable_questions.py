"""runnable questions: a question's signature, comparison rule, time limit and test cases in SQL

The shipped questions of a database seeded before this revision get the bank's runnable data
here, once: a question counts as shipped when its id and its title (in any case) are the
bank's, so a question an admin rewrote in its place gets none. Later, the seed loader adds it
with each question it adds, and only admins change it: nothing runs again to undo their edits.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_runnables",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.JSON(), nullable=False),
        sa.Column("comparison", sa.JSON(), nullable=False),
        sa.Column("time_limit_ms", sa.Integer(), nullable=False),
        sa.Column("cases", sa.JSON(), nullable=False),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("data_bytes", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "case_count >= 1 AND case_count <= 200", name=op.f("ck_question_runnables_case_count")
        ),
        sa.CheckConstraint(
            "data_bytes >= 0 AND data_bytes <= 2097152",
            name=op.f("ck_question_runnables_data_bytes"),
        ),
        sa.CheckConstraint(
            "time_limit_ms >= 100 AND time_limit_ms <= 10000",
            name=op.f("ck_question_runnables_time_limit_ms"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_runnables_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_question_runnables")),
    )
    _load_shipped()


def _load_shipped() -> None:
    """The bank's runnable data for the shipped questions already here (none in a new database:
    the seed loader brings them with the questions)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, title FROM questions"))
    present = {row.id: row.title for row in rows}
    if not present:
        return
    # Read only when there is something to fill: a bad file fails the upgrade, naming the file.
    from execution.runnable import load_bank as load_runnable
    from storage.question_bank import load_bank as load_questions

    titles = {question_id: data.title for question_id, data in load_questions()}
    runnable = load_runnable()
    table = sa.table(
        "question_runnables",
        sa.column("question_id", sa.Integer()),
        sa.column("signature", sa.JSON()),
        sa.column("comparison", sa.JSON()),
        sa.column("time_limit_ms", sa.Integer()),
        sa.column("cases", sa.JSON()),
        sa.column("case_count", sa.Integer()),
        sa.column("data_bytes", sa.Integer()),
        sa.column("revision", sa.String(32)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    for question_id, title in sorted(present.items()):
        shipped = titles.get(question_id)
        if question_id not in runnable or shipped is None or shipped.casefold() != title.casefold():
            continue
        content = runnable[question_id].content()
        # One question per statement: the largest are hundreds of kilobytes.
        op.bulk_insert(
            table,
            [
                {
                    "question_id": question_id,
                    **content,
                    "case_count": len(content["cases"]),
                    "data_bytes": len(json.dumps(content["cases"], separators=(",", ":"))),
                    "revision": uuid.uuid4().hex,
                    "updated_at": now,
                }
            ],
        )


def downgrade() -> None:
    op.drop_table("question_runnables")
