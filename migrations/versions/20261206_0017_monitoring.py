"""monitoring: actuals, budget execution, warnings, reports, compilations, deadline notices (Art. 11–14)

Rates name their numerator and denominator on indicators and library templates.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 11:31:36.675091
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadline_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_deadline_notice_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_deadline_notice_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_deadline_notice_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_notice")),
        sa.UniqueConstraint("key", name=op.f("uq_deadline_notice_key")),
    )
    with op.batch_alter_table("deadline_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadline_notice_region_id"), ["region_id"], unique=False)

    op.create_table(
        "monitoring_compilation",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_number", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_monitoring_compilation_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_monitoring_compilation_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_compilation")),
        sa.UniqueConstraint("region_id", "year", name=op.f("uq_monitoring_compilation_region_id_year")),
    )
    with op.batch_alter_table("monitoring_compilation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_compilation_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_compilation_year"), ["year"], unique=False)

    op.create_table(
        "monitoring_report",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("content_revision", sa.Integer(), nullable=False),
        sa.Column("tax_concurred_revision", sa.Integer(), nullable=True),
        sa.Column("drafter_organization_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finance_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("administration_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["drafter_organization_id"],
            ["organization.id"],
            name=op.f("fk_monitoring_report_drafter_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_monitoring_report_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_monitoring_report_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_report")),
        sa.UniqueConstraint(
            "region_id",
            "fund_type_id",
            "year",
            "month",
            name=op.f("uq_monitoring_report_region_id_fund_type_id_year_month"),
        ),
    )
    with op.batch_alter_table("monitoring_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_report_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_report_year"), ["year"], unique=False)

    op.create_table(
        "indicator_actual",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("goal_lineage_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_lineage_id", sa.Uuid(), nullable=False),
        sa.Column("pooling_region_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("numerator", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("denominator", sa.Numeric(20, 4).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("forecast", sa.String(length=500), nullable=False),
        sa.Column("cause_funding", sa.String(length=500), nullable=False),
        sa.Column("cause_system", sa.String(length=500), nullable=False),
        sa.Column("cause_staffing", sa.String(length=500), nullable=False),
        sa.Column("cause_hardware", sa.String(length=500), nullable=False),
        sa.Column("cause_other", sa.String(length=500), nullable=False),
        sa.Column("likelihood", sa.String(length=32), nullable=True),
        sa.Column("remark", sa.String(length=500), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_indicator_actual_month_in_year")),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_indicator_actual_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_indicator_actual_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_indicator_actual_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["pooling_region_id"], ["region.id"], name=op.f("fk_indicator_actual_pooling_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_indicator_actual_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_indicator_actual_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_actual")),
        sa.UniqueConstraint(
            "indicator_lineage_id",
            "region_id",
            "month",
            name=op.f("uq_indicator_actual_indicator_lineage_id_region_id_month"),
        ),
    )
    with op.batch_alter_table("indicator_actual", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_actual_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_indicator_actual_goal_lineage_id"), ["goal_lineage_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_indicator_actual_region_id"), ["region_id"], unique=False)
        batch_op.create_index(
            "ix_indicator_actual_scope", ["pooling_region_id", "fund_type_id", "year", "month"], unique=False
        )

    op.create_table(
        "monitoring_compilation_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compilation_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["compilation_id"],
            ["monitoring_compilation.id"],
            name=op.f("fk_monitoring_compilation_recipient_compilation_id_monitoring_compilation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_monitoring_compilation_recipient_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_compilation_recipient")),
        sa.UniqueConstraint(
            "compilation_id",
            "organization_id",
            name=op.f("uq_monitoring_compilation_recipient_compilation_id_organization_id"),
        ),
    )
    with op.batch_alter_table("monitoring_compilation_recipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_compilation_recipient_compilation_id"), ["compilation_id"], unique=False
        )

    op.create_table(
        "monitoring_report_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=False),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_monitoring_report_transition_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_report.id"],
            name=op.f("fk_monitoring_report_transition_report_id_monitoring_report"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_monitoring_report_transition_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_report_transition")),
    )
    with op.batch_alter_table("monitoring_report_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_report_transition_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "monitoring_warning",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("indicator_lineage_id", sa.Uuid(), nullable=True),
        sa.Column("budget_item", sa.String(length=32), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("light", sa.String(length=32), nullable=False),
        sa.Column("ratio", sa.Numeric(12, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("deviation", sa.Numeric(12, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("response", sa.String(length=32), nullable=True),
        sa.Column("response_note", sa.Text(), nullable=False),
        sa.Column("urge_due_on", sa.Date(), nullable=True),
        sa.Column("adjustment_goal_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responder_user_id", sa.Integer(), nullable=True),
        sa.Column("responder_organization_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["adjustment_goal_id"], ["goal.id"], name=op.f("fk_monitoring_warning_adjustment_goal_id_goal")
        ),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_monitoring_warning_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_monitoring_warning_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_monitoring_warning_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["responder_organization_id"],
            ["organization.id"],
            name=op.f("fk_monitoring_warning_responder_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["responder_user_id"],
            ["app_user.id"],
            name=op.f("fk_monitoring_warning_responder_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_warning")),
        sa.UniqueConstraint("key", name=op.f("uq_monitoring_warning_key")),
    )
    with op.batch_alter_table("monitoring_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_warning_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_warning_region_id"), ["region_id"], unique=False)
        batch_op.create_index(
            "ix_monitoring_warning_scope", ["region_id", "fund_type_id", "year", "status"], unique=False
        )

    op.create_table(
        "budget_execution",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("pooling_region_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_budget_execution_month_in_year")),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["fund_budget.id"], name=op.f("fk_budget_execution_budget_id_fund_budget")
        ),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_budget_execution_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_budget_execution_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["pooling_region_id"], ["region.id"], name=op.f("fk_budget_execution_pooling_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_budget_execution_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_budget_execution_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_execution")),
        sa.UniqueConstraint(
            "budget_id",
            "item",
            "region_id",
            "month",
            name=op.f("uq_budget_execution_budget_id_item_region_id_month"),
        ),
    )
    with op.batch_alter_table("budget_execution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_execution_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_execution_region_id"), ["region_id"], unique=False)
        batch_op.create_index(
            "ix_budget_execution_scope", ["pooling_region_id", "fund_type_id", "year", "month"], unique=False
        )

    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("numerator_label", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("denominator_label", sa.String(length=64), server_default="", nullable=False)
        )

    with op.batch_alter_table("indicator_template", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("numerator_label", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("denominator_label", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_template", schema=None) as batch_op:
        batch_op.drop_column("denominator_label")
        batch_op.drop_column("numerator_label")

    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_column("denominator_label")
        batch_op.drop_column("numerator_label")

    with op.batch_alter_table("budget_execution", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_execution_scope")
        batch_op.drop_index(batch_op.f("ix_budget_execution_region_id"))
        batch_op.drop_index(batch_op.f("ix_budget_execution_budget_id"))

    op.drop_table("budget_execution")
    with op.batch_alter_table("monitoring_warning", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_warning_scope")
        batch_op.drop_index(batch_op.f("ix_monitoring_warning_region_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_warning_goal_id"))

    op.drop_table("monitoring_warning")
    with op.batch_alter_table("monitoring_report_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_report_transition_report_id"))

    op.drop_table("monitoring_report_transition")
    with op.batch_alter_table("monitoring_compilation_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_compilation_recipient_compilation_id"))

    op.drop_table("monitoring_compilation_recipient")
    with op.batch_alter_table("indicator_actual", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_actual_scope")
        batch_op.drop_index(batch_op.f("ix_indicator_actual_region_id"))
        batch_op.drop_index(batch_op.f("ix_indicator_actual_goal_lineage_id"))
        batch_op.drop_index(batch_op.f("ix_indicator_actual_goal_id"))

    op.drop_table("indicator_actual")
    with op.batch_alter_table("monitoring_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_report_year"))
        batch_op.drop_index(batch_op.f("ix_monitoring_report_region_id"))

    op.drop_table("monitoring_report")
    with op.batch_alter_table("monitoring_compilation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_compilation_year"))
        batch_op.drop_index(batch_op.f("ix_monitoring_compilation_region_id"))

    op.drop_table("monitoring_compilation")
    with op.batch_alter_table("deadline_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_notice_region_id"))

    op.drop_table("deadline_notice")
