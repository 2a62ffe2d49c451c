"""goal stage per regulation: lineage as a UUID every goal has, tax opinions, decomposition tables,
inherited indicators, adjustment assessments, the goal a budget was approved on, regional rules

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 20:39:55.142443
"""

from collections.abc import Sequence

import uuid

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal_tax_opinion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("content_revision", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_goal_tax_opinion_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_goal_tax_opinion_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_goal_tax_opinion_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_tax_opinion")),
    )
    with op.batch_alter_table("goal_tax_opinion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_tax_opinion_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "regional_rule",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_regional_rule_region_id_region")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["app_user.id"], name=op.f("fk_regional_rule_updated_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regional_rule")),
        sa.UniqueConstraint("region_id", "key", name=op.f("uq_regional_rule_region_id_key")),
    )
    with op.batch_alter_table("regional_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_regional_rule_region_id"), ["region_id"], unique=False)

    op.create_table(
        "goal_decomposition_target",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("target_value", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("by_hand", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_goal_decomposition_target_goal_id_goal")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_goal_decomposition_target_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_goal_decomposition_target_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_decomposition_target")),
        sa.UniqueConstraint(
            "indicator_id", "region_id", name=op.f("uq_goal_decomposition_target_indicator_id_region_id")
        ),
    )
    with op.batch_alter_table("goal_decomposition_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_decomposition_target_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_goal_decomposition_target_indicator_id"), ["indicator_id"], unique=False
        )

    with op.batch_alter_table("fund_budget", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_goal_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_fund_budget_approved_goal_id"), ["approved_goal_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_fund_budget_approved_goal_id_goal"), "goal", ["approved_goal_id"], ["id"]
        )

    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adjustment_what_changed", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("adjustment_fund_effect", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("adjustment_target_effect", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("content_revision", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(sa.Column("tax_concurred_revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lineage", sa.Uuid(), nullable=True))
    _backfill_lineage()
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_goal_lineage_id_goal"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_goal_lineage_id"))
        batch_op.drop_column("lineage_id")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.alter_column(
            "lineage", new_column_name="lineage_id", existing_type=sa.Uuid(), nullable=False
        )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_lineage_id"), ["lineage_id"], unique=False)

    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("aggregation", sa.String(length=32), server_default="NONE", nullable=False)
        )
        batch_op.add_column(sa.Column("inherited_from_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "assigned_target_value",
                sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("assigned_target_grade", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_indicator_inherited_from_id"), ["inherited_from_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_indicator_inherited_from_id_indicator"), "indicator", ["inherited_from_id"], ["id"]
        )

    with op.batch_alter_table("indicator_template", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("aggregation", sa.String(length=32), server_default="NONE", nullable=False)
        )
    for table in ("indicator", "indicator_template"):
        _backfill_aggregation(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("aggregation", existing_type=sa.String(length=32), server_default=None)
    _backfill_approved_goal()


def downgrade() -> None:
    with op.batch_alter_table("indicator_template", schema=None) as batch_op:
        batch_op.drop_column("aggregation")

    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_indicator_inherited_from_id_indicator"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_indicator_inherited_from_id"))
        batch_op.drop_column("assigned_target_grade")
        batch_op.drop_column("assigned_target_value")
        batch_op.drop_column("inherited_from_id")
        batch_op.drop_column("aggregation")

    # Back to an integer lineage: the id of the lineage's first version.
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_lineage_id"))
        batch_op.alter_column("lineage_id", new_column_name="lineage", existing_type=sa.Uuid(), nullable=True)
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lineage_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE goal SET lineage_id = (SELECT MIN(g.id) FROM goal AS g WHERE g.lineage = goal.lineage)"
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_column("lineage")
        batch_op.create_index(batch_op.f("ix_goal_lineage_id"), ["lineage_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_goal_lineage_id_goal"), "goal", ["lineage_id"], ["id"])
        batch_op.drop_column("tax_concurred_revision")
        batch_op.drop_column("content_revision")
        batch_op.drop_column("adjustment_target_effect")
        batch_op.drop_column("adjustment_fund_effect")
        batch_op.drop_column("adjustment_what_changed")

    with op.batch_alter_table("fund_budget", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_fund_budget_approved_goal_id_goal"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_fund_budget_approved_goal_id"))
        batch_op.drop_column("approved_goal_id")

    with op.batch_alter_table("goal_decomposition_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_decomposition_target_indicator_id"))
        batch_op.drop_index(batch_op.f("ix_goal_decomposition_target_goal_id"))

    op.drop_table("goal_decomposition_target")
    with op.batch_alter_table("regional_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regional_rule_region_id"))

    op.drop_table("regional_rule")
    with op.batch_alter_table("goal_tax_opinion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_tax_opinion_goal_id"))

    op.drop_table("goal_tax_opinion")


def _backfill_lineage() -> None:
    """Every goal gets a lineage: the versions that shared one (or a goal without one, alone) get one UUID."""
    conn = op.get_bind()
    goal = sa.table("goal", sa.column("id", sa.Integer()), sa.column("lineage", sa.Uuid()))
    rows = conn.execute(sa.text("SELECT id, lineage_id FROM goal")).all()
    by_root: dict[int, uuid.UUID] = {}
    updates = [
        {"goal_id": goal_id, "lineage": by_root.setdefault(root or goal_id, uuid.uuid4())}
        for goal_id, root in rows
    ]
    if updates:
        conn.execute(
            goal.update().where(goal.c.id == sa.bindparam("goal_id")).values(lineage=sa.bindparam("lineage")),
            updates,
        )


# Counts and amounts add up across regions; percentages are ratios; anything else (months, days, standards,
# qualitative indicators) is not split. The library states its own; this is for rows made before it did.
SUM_UNITS = ("万人", "人", "人次", "万人次", "户", "件", "元", "万元", "亿元")


def _backfill_aggregation(table: str) -> None:
    units = ", ".join(f"'{unit}'" for unit in SUM_UNITS)
    op.execute(
        f"UPDATE {table} SET aggregation = CASE "
        f"WHEN kind = 'QUANTITATIVE' AND unit = '%' THEN 'RATE' "
        f"WHEN kind = 'QUANTITATIVE' AND unit IN ({units}) THEN 'SUM' ELSE 'NONE' END"
    )


def _backfill_approved_goal() -> None:
    """An approved budget rested on the newest issued annual goal of its region, fund and year."""
    op.execute(
        "UPDATE fund_budget SET approved_goal_id = ("
        " SELECT g.id FROM goal AS g WHERE g.region_id = fund_budget.region_id"
        " AND g.fund_type_id = fund_budget.fund_type_id AND g.horizon = 'ANNUAL'"
        " AND g.start_year = fund_budget.year"
        " AND g.status IN ('ISSUED_GUIDING', 'NATIONAL_APPROVED', 'ISSUED', 'SUPERSEDED')"
        " ORDER BY g.version DESC LIMIT 1) WHERE status = 'APPROVED'"
    )
