"""self-evaluation (Art. 15–18): one per pooling region × fund × year, its lines and its steps

self_evaluation: the form of a fund's 统筹地区自评 on the goal version in force on 31 December, with the
budget execution block, the narrative, the score and grade, the tax department's concurrence (by content
revision) and the late mark (Art. 17: due by the end of May). self_evaluation_line: one indicator (by
lineage) with target, actual, weight, score, and the cause and measures of a shortfall (Art. 18).
self_evaluation_transition: who moved it, when and why.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "self_evaluation",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("pooling_level", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("initial_budget", sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column(
            "adjusted_budget", sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True
        ),
        sa.Column("executed", sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column(
            "prefilled_initial_budget",
            sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "prefilled_adjusted_budget",
            sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "prefilled_executed", sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True
        ),
        sa.Column("budget_edit_reason", sa.Text(), nullable=False),
        sa.Column("execution_reason", sa.Text(), nullable=False),
        sa.Column("execution_rate", sa.Numeric(12, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("execution_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("total_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("content_revision", sa.Integer(), nullable=False),
        sa.Column("tax_concurred_revision", sa.Integer(), nullable=True),
        sa.Column("opener_organization_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("finance_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("administration_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_self_evaluation_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_self_evaluation_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["opener_organization_id"],
            ["organization.id"],
            name=op.f("fk_self_evaluation_opener_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_self_evaluation_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_evaluation")),
        sa.UniqueConstraint(
            "region_id", "fund_type_id", "year", name=op.f("uq_self_evaluation_region_id_fund_type_id_year")
        ),
    )
    with op.batch_alter_table("self_evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_evaluation_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_self_evaluation_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_self_evaluation_year"), ["year"], unique=False)

    op.create_table(
        "self_evaluation_line",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("indicator_lineage_id", sa.Uuid(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("level1", sa.String(length=32), nullable=False),
        sa.Column("level2", sa.String(length=64), nullable=False),
        sa.Column("level3", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("comparator", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Numeric(6, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("target_value", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("target_grade", sa.String(length=32), nullable=True),
        sa.Column("actual_value", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("actual_grade", sa.String(length=32), nullable=True),
        sa.Column(
            "prefilled_value", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True
        ),
        sa.Column("prefilled_grade", sa.String(length=32), nullable=True),
        sa.Column("actual_reason", sa.Text(), nullable=False),
        sa.Column("chosen_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("deviates", sa.Boolean(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["self_evaluation.id"],
            name=op.f("fk_self_evaluation_line_evaluation_id_self_evaluation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_self_evaluation_line_indicator_id_indicator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_evaluation_line")),
        sa.UniqueConstraint(
            "evaluation_id",
            "indicator_lineage_id",
            name=op.f("uq_self_evaluation_line_evaluation_id_indicator_lineage_id"),
        ),
    )
    with op.batch_alter_table("self_evaluation_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_evaluation_line_evaluation_id"), ["evaluation_id"], unique=False
        )

    op.create_table(
        "self_evaluation_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["self_evaluation.id"],
            name=op.f("fk_self_evaluation_transition_evaluation_id_self_evaluation"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_self_evaluation_transition_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_self_evaluation_transition_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_evaluation_transition")),
    )
    with op.batch_alter_table("self_evaluation_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_evaluation_transition_evaluation_id"), ["evaluation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("self_evaluation_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_evaluation_transition_evaluation_id"))

    op.drop_table("self_evaluation_transition")
    with op.batch_alter_table("self_evaluation_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_evaluation_line_evaluation_id"))

    op.drop_table("self_evaluation_line")
    with op.batch_alter_table("self_evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_evaluation_year"))
        batch_op.drop_index(batch_op.f("ix_self_evaluation_region_id"))
        batch_op.drop_index(batch_op.f("ix_self_evaluation_goal_id"))

    op.drop_table("self_evaluation")
