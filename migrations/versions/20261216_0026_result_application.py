"""result application (Art. 20): how a pooling region's evaluation results were used, per fund and year

result_application: one per region × fund × evaluated year, the evaluation it rests on, where it was
written (a draft is read there), DRAFT or RECORDED. result_application_use: its uses (policy, management,
fund allocation with an amount in 万元, next year's goal, next year's budget) and the goal and budget they
changed.

Revision ID: 0026
Revises: 0025 (the lead re-chains it at the merge)
Create Date: 2026-12-16 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "result_application",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("author_region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("self_evaluation_id", sa.Integer(), nullable=True),
        sa.Column("provincial_evaluation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_region_id"], ["region.id"], name=op.f("fk_result_application_author_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_result_application_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_result_application_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["provincial_evaluation_id"],
            ["provincial_evaluation.id"],
            name=op.f("fk_result_application_provincial_evaluation_id_provincial_evaluation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_result_application_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["self_evaluation_id"],
            ["self_evaluation.id"],
            name=op.f("fk_result_application_self_evaluation_id_self_evaluation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_application")),
        sa.UniqueConstraint(
            "region_id",
            "fund_type_id",
            "year",
            name=op.f("uq_result_application_region_id_fund_type_id_year"),
        ),
    )
    with op.batch_alter_table("result_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_application_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_result_application_year"), ["year"], unique=False)

    op.create_table(
        "result_application_use",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("budget_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(16, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["result_application.id"],
            name=op.f("fk_result_application_use_application_id_result_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["fund_budget.id"],
            name=op.f("fk_result_application_use_budget_id_fund_budget"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_result_application_use_goal_id_goal"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_application_use")),
    )
    with op.batch_alter_table("result_application_use", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_result_application_use_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_result_application_use_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_result_application_use_goal_id"), ["goal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("result_application_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_application_use_goal_id"))
        batch_op.drop_index(batch_op.f("ix_result_application_use_budget_id"))
        batch_op.drop_index(batch_op.f("ix_result_application_use_application_id"))

    op.drop_table("result_application_use")
    with op.batch_alter_table("result_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_application_year"))
        batch_op.drop_index(batch_op.f("ix_result_application_region_id"))

    op.drop_table("result_application")
