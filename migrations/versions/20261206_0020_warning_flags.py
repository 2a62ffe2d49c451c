"""warning flags: an execution warning's large deviation, an indicator warning's adjustment review (Art. 14)

「执行偏差较大的应及时按规定进行调整」: an execution warning notes that the deviation is large (below
EXECUTION_LARGE_DEVIATION_BELOW). An indicator warning notes that its goal has been red for
ADJUSTMENT_REVIEW_RED_PERIODS periods in a row and goes to adjustment review.

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-06 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("monitoring_warning", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("large_deviation", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("adjustment_review", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("monitoring_warning", schema=None) as batch_op:
        batch_op.drop_column("adjustment_review")
        batch_op.drop_column("large_deviation")
