"""goal issue: the number drawn at issue (Art. 10), the moment and body of the latest issue on the goal

`document_number.act` says which issue of its subject a number documents (a goal's GUIDING or FORMAL issue,
two documents with two numbers; "" for a kind issued once), and a subject has one number per family and
act. `goal.issued_at`, `goal.issuer_organization_id` and `goal.document_number` record the goal's latest
issue: the goal table prints them, and no longer draws a number when it is built.

Carried over: each goal number keeps its text; its act is FORMAL when the goal was formally issued (status
ISSUED, or a transition to ISSUED), else GUIDING. A goal issued (in force, or superseded) gets as issued_at
its latest transition into an issued status, else the moment its number was given, else its last update
(goals loaded in force without a workflow, such as demo data); and the body and text of its latest number.
Goals in force without a number are numbered by `fundperf migrate` after the upgrade
(src/services/goals/issuing.py number_earlier_issues): the prefix needs the regional rules.

Downgrading keeps each goal's latest number per family (the old table has one per subject and family).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_OR_WAS_IN_FORCE = "goal.status IN ('ISSUED', 'ISSUED_GUIDING', 'SUPERSEDED')"
FORMALLY = (
    "EXISTS (SELECT 1 FROM goal AS g WHERE g.id = document_number.subject_id AND (g.status = 'ISSUED'"
    " OR EXISTS (SELECT 1 FROM goal_transition AS t WHERE t.goal_id = g.id AND t.to_status = 'ISSUED')))"
)
LATEST_NUMBER = (
    "(SELECT n.{column} FROM document_number AS n WHERE n.subject_type = 'Goal' AND n.subject_id = goal.id"
    " ORDER BY n.id DESC LIMIT 1)"
)
LAST_ISSUE = (
    "(SELECT max(t.at) FROM goal_transition AS t"
    " WHERE t.goal_id = goal.id AND t.to_status IN ('ISSUED', 'ISSUED_GUIDING'))"
)


def upgrade() -> None:
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.add_column(sa.Column("act", sa.String(16), nullable=False, server_default=""))
    op.execute(
        "UPDATE document_number SET act = CASE WHEN "
        f"{FORMALLY} THEN 'FORMAL' ELSE 'GUIDING' END WHERE subject_type = 'Goal'"
    )
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.drop_constraint("uq_document_number_subject_type_subject_id_family", type_="unique")
        batch_op.create_unique_constraint(
            "uq_document_number_subject_type_subject_id_family_act",
            ["subject_type", "subject_id", "family", "act"],
        )
    with op.batch_alter_table("goal") as batch_op:
        batch_op.add_column(sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("issuer_organization_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("document_number", sa.String(48), nullable=True))
        batch_op.create_foreign_key(
            "fk_goal_issuer_organization_id_organization",
            "organization",
            ["issuer_organization_id"],
            ["id"],
        )
    op.execute(
        "UPDATE goal SET"
        f" issued_at = COALESCE({LAST_ISSUE}, {LATEST_NUMBER.format(column='created_at')}, updated_at),"
        f" issuer_organization_id = {LATEST_NUMBER.format(column='organization_id')},"
        f" document_number = {LATEST_NUMBER.format(column='text')}"
        f" WHERE {IN_OR_WAS_IN_FORCE}"
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM document_number WHERE EXISTS (SELECT 1 FROM document_number AS later"
        " WHERE later.subject_type = document_number.subject_type"
        " AND later.subject_id = document_number.subject_id"
        " AND later.family = document_number.family AND later.id > document_number.id)"
    )
    with op.batch_alter_table("goal") as batch_op:
        batch_op.drop_constraint("fk_goal_issuer_organization_id_organization", type_="foreignkey")
        batch_op.drop_column("document_number")
        batch_op.drop_column("issuer_organization_id")
        batch_op.drop_column("issued_at")
    with op.batch_alter_table("document_number") as batch_op:
        batch_op.drop_constraint("uq_document_number_subject_type_subject_id_family_act", type_="unique")
        batch_op.create_unique_constraint(
            "uq_document_number_subject_type_subject_id_family", ["subject_type", "subject_id", "family"]
        )
        batch_op.drop_column("act")
