"""batch scopes: a batch of documents is seen only by who may read every one of them

A batch's parent keeps the scope of what it holds (subjects/scope.py combined_scope): `scope_region_id`,
`scope_top_region_id`, `scope_draft`, `scope_hidden_below`; its events carry `hidden_below` and `top_path`.
Batches requested before are given the narrowest scope their row allows: seen by who covers the batch's
region, as a draft (no national department, nobody from below).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-11 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNPUBLISHED = "published_at IS NULL"
LIVE = "status IN ('QUEUED', 'RUNNING', 'SUCCEEDED') AND parent_id IS NULL"


def _partial_indexes_dropped() -> None:
    # SQLite's batch mode copies the table; its partial indexes would not come back with their WHERE.
    op.drop_index("ix_event_unpublished", table_name="event")
    op.drop_index("uq_report_job_live_fingerprint", table_name="report_job")


def _partial_indexes_made() -> None:
    op.create_index(
        "ix_event_unpublished",
        "event",
        ["id"],
        sqlite_where=sa.text(UNPUBLISHED),
        postgresql_where=sa.text(UNPUBLISHED),
    )
    op.create_index(
        "uq_report_job_live_fingerprint",
        "report_job",
        ["fingerprint"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def upgrade() -> None:
    _partial_indexes_dropped()
    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(
            sa.Column("hidden_below", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("top_path", sa.String(255), nullable=True))
    with op.batch_alter_table("report_job") as batch_op:
        batch_op.add_column(sa.Column("scope_region_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scope_top_region_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scope_draft", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(
            sa.Column("scope_hidden_below", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            "fk_report_job_scope_region_id_region", "region", ["scope_region_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_report_job_scope_top_region_id_region", "region", ["scope_top_region_id"], ["id"]
        )
    op.execute(
        sa.text(
            """
            UPDATE report_job SET scope_region_id = region_id, scope_draft = TRUE, scope_hidden_below = TRUE
            WHERE year IS NOT NULL
            """
        )
    )
    _partial_indexes_made()


def downgrade() -> None:
    _partial_indexes_dropped()
    with op.batch_alter_table("report_job") as batch_op:
        batch_op.drop_constraint("fk_report_job_scope_top_region_id_region", type_="foreignkey")
        batch_op.drop_constraint("fk_report_job_scope_region_id_region", type_="foreignkey")
        batch_op.drop_column("scope_hidden_below")
        batch_op.drop_column("scope_draft")
        batch_op.drop_column("scope_top_region_id")
        batch_op.drop_column("scope_region_id")
    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("top_path")
        batch_op.drop_column("hidden_below")
    _partial_indexes_made()
