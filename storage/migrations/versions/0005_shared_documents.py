"""rooms' documents in the application database (shared by every web process)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "doc_heads",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_doc_heads")),
    )
    op.create_table(
        "doc_updates",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "seq", name=op.f("pk_doc_updates")),
    )
    op.create_table(
        "doc_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doc_history")),
    )
    op.create_index(
        "ix_doc_history_room_time", "doc_history", ["room_id", "timestamp_ms", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_doc_history_room_time", table_name="doc_history")
    op.drop_table("doc_history")
    op.drop_table("doc_updates")
    op.drop_table("doc_heads")
