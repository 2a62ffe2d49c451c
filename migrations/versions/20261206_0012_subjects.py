"""subjects: events and report jobs name any registered subject, not goals

Events keep their subject's scope without goal columns: `draft` (was goal_status DRAFT or RETURNED) and
`administrations`, a recipient list ("|HRSS|", was the one administration). Report jobs name their subject
(`subject_type`, `subject_id`: was goal_id; every earlier job documents a goal). Kinds widen to 64
characters. Existing rows are carried over on both databases.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
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
        batch_op.add_column(sa.Column("administrations", sa.String(64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        sa.text(
            """
            UPDATE event SET
              draft = (goal_status IS NOT NULL AND goal_status IN ('DRAFT', 'RETURNED')),
              administrations = CASE WHEN administration IS NULL THEN '' ELSE '|' || administration || '|' END
            """
        )
    )
    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("goal_status")
        batch_op.drop_column("administration")
        batch_op.alter_column("kind", type_=sa.String(64), existing_nullable=False)

    with op.batch_alter_table("report_job") as batch_op:
        batch_op.add_column(sa.Column("subject_type", sa.String(32), nullable=False, server_default="Goal"))
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE report_job SET subject_id = goal_id"))
    with op.batch_alter_table("report_job") as batch_op:
        batch_op.drop_index("ix_report_job_goal_id")
        batch_op.drop_constraint("fk_report_job_goal_id_goal", type_="foreignkey")
        batch_op.drop_column("goal_id")
        batch_op.alter_column("subject_type", server_default=None, existing_type=sa.String(32))
        batch_op.alter_column("kind", type_=sa.String(64), existing_nullable=False)
        batch_op.create_index("ix_report_job_subject", ["subject_type", "subject_id"])
    _partial_indexes_made()


def downgrade() -> None:
    _partial_indexes_dropped()
    with op.batch_alter_table("report_job") as batch_op:
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
    # Only goals' documents go back; their goal may have gone since (the foreign key set it NULL then).
    op.execute(
        sa.text(
            """
            UPDATE report_job SET goal_id = subject_id
            WHERE subject_type = 'Goal' AND subject_id IN (SELECT id FROM goal)
            """
        )
    )
    with op.batch_alter_table("report_job") as batch_op:
        batch_op.drop_index("ix_report_job_subject")
        batch_op.drop_column("subject_id")
        batch_op.drop_column("subject_type")
        batch_op.alter_column("kind", type_=sa.String(32), existing_nullable=False)
        batch_op.create_foreign_key(
            "fk_report_job_goal_id_goal", "goal", ["goal_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_report_job_goal_id", ["goal_id"])

    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("administration", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("goal_status", sa.String(32), nullable=True))
    # A draft's exact status is not kept: DRAFT stands for both DRAFT and RETURNED, enough for visibility.
    op.execute(
        sa.text(
            """
            UPDATE event SET
              administration = CASE WHEN administrations = '' THEN NULL
                                    ELSE substr(administrations, 2, length(administrations) - 2) END,
              goal_status = CASE WHEN draft THEN 'DRAFT' ELSE NULL END
            """
        )
    )
    with op.batch_alter_table("event", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column("draft")
        batch_op.drop_column("administrations")
        batch_op.alter_column("kind", type_=sa.String(32), existing_nullable=False)
    _partial_indexes_made()
