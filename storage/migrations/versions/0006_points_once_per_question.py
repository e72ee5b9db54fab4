"""a question's points go to a user once

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_attempts_awarded_question",
        "attempts",
        ["user_id", "question_id"],
        unique=True,
        sqlite_where=sa.text("points_awarded > 0"),
        postgresql_where=sa.text("points_awarded > 0"),
    )


def downgrade() -> None:
    op.drop_index("uq_attempts_awarded_question", table_name="attempts")
