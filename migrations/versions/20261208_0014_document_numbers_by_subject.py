"""document numbers by subject and family: any registered subject's documents are numbered, per family

A number names its subject (`subject_type`, `subject_id`: was goal_id) and its family (`family`: 财社, 人社 …);
an issuing body's sequences are per family and year (unique organization_id, family, year, sequence), and a
subject has one number per family (unique subject_type, subject_id, family). Every earlier number is a goal
table's: subject 'Goal', family '财社'. Existing rows are carried over on both databases.

Downgrading keeps the goals' 财社 numbers of goals that still exist and drops every other number (the old
table numbers goals only, in one family).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GOAL_FAMILY = "财社"


def upgrade() -> None:
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.add_column(sa.Column("family", sa.String(8), nullable=False, server_default=GOAL_FAMILY))
        batch_op.add_column(sa.Column("subject_type", sa.String(32), nullable=False, server_default="Goal"))
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE document_number SET subject_id = goal_id"))
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.drop_constraint("uq_document_number_goal_id", type_="unique")
        batch_op.drop_constraint("uq_document_number_organization_id_year_sequence", type_="unique")
        batch_op.drop_constraint("fk_document_number_goal_id_goal", type_="foreignkey")
        batch_op.drop_column("goal_id")
        batch_op.alter_column("subject_id", nullable=False, existing_type=sa.Integer())
        batch_op.alter_column("family", server_default=None, existing_type=sa.String(8))
        batch_op.alter_column("subject_type", server_default=None, existing_type=sa.String(32))
        batch_op.create_unique_constraint(
            "uq_document_number_organization_id_family_year_sequence",
            ["organization_id", "family", "year", "sequence"],
        )
        batch_op.create_unique_constraint(
            "uq_document_number_subject_type_subject_id_family", ["subject_type", "subject_id", "family"]
        )


def downgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM document_number WHERE subject_type <> 'Goal' OR family <> :family"
            " OR subject_id NOT IN (SELECT id FROM goal)"
        ).bindparams(family=GOAL_FAMILY)
    )
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE document_number SET goal_id = subject_id"))
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.drop_constraint("uq_document_number_subject_type_subject_id_family", type_="unique")
        batch_op.drop_constraint("uq_document_number_organization_id_family_year_sequence", type_="unique")
        batch_op.drop_column("subject_id")
        batch_op.drop_column("subject_type")
        batch_op.drop_column("family")
        batch_op.alter_column("goal_id", nullable=False, existing_type=sa.Integer())
        batch_op.create_foreign_key("fk_document_number_goal_id_goal", "goal", ["goal_id"], ["id"])
        batch_op.create_unique_constraint("uq_document_number_goal_id", ["goal_id"])
        batch_op.create_unique_constraint(
            "uq_document_number_organization_id_year_sequence", ["organization_id", "year", "sequence"]
        )
