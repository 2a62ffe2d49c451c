"""goal.national_approved_at: a guiding goal approved by the national departments stays ISSUED_GUIDING

Art. 10: the guiding goal is in force until it is formally issued; NATIONAL_APPROVED now means approved
and never issued. A goal that became NATIONAL_APPROVED after a guiding issue is put back to ISSUED_GUIDING
with the time of its approval.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ISSUED_AS_GUIDING = (
    "EXISTS (SELECT 1 FROM goal_transition AS t WHERE t.goal_id = goal.id AND t.action = 'ISSUE_GUIDING')"
)
APPROVED_AT = (
    "(SELECT max(t.at) FROM goal_transition AS t WHERE t.goal_id = goal.id AND t.action = 'NATIONAL_APPROVE')"
)


def upgrade() -> None:
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_approved_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE goal SET status = 'ISSUED_GUIDING', row_version = row_version + 1,"
        f" national_approved_at = COALESCE({APPROVED_AT}, CURRENT_TIMESTAMP)"
        f" WHERE status = 'NATIONAL_APPROVED' AND {ISSUED_AS_GUIDING}"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE goal SET status = 'NATIONAL_APPROVED', row_version = row_version + 1"
        " WHERE status = 'ISSUED_GUIDING' AND national_approved_at IS NOT NULL"
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_column("national_approved_at")
