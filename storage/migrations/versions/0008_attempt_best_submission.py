"""an attempt records the room's best submission: the run and its verdict

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("attempts", sa.Column("best_run_id", sa.String(64), nullable=True))
    op.add_column("attempts", sa.Column("best_verdict", sa.String(24), nullable=True))


def downgrade() -> None:
    op.drop_column("attempts", "best_verdict")
    op.drop_column("attempts", "best_run_id")
