"""one live report job per request and data version (a partial unique index on the fingerprint)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "status IN ('QUEUED', 'RUNNING', 'SUCCEEDED') AND parent_id IS NULL"


def upgrade() -> None:
    # Duplicates made by concurrent requests before the index: the newest stays, the older ones fail with
    # a message saying which job replaced them.
    op.execute(
        sa.text(
            f"""
            UPDATE report_job SET status = 'FAILED',
              error = '重复的任务：同一申请已有较新的任务',
              row_version = row_version + 1
            WHERE {LIVE} AND EXISTS (
              SELECT 1 FROM report_job AS newer
              WHERE newer.fingerprint = report_job.fingerprint AND newer.id > report_job.id
                AND newer.status IN ('QUEUED', 'RUNNING', 'SUCCEEDED') AND newer.parent_id IS NULL)
            """
        )
    )
    op.create_index(
        "uq_report_job_live_fingerprint",
        "report_job",
        ["fingerprint"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_report_job_live_fingerprint", table_name="report_job")
