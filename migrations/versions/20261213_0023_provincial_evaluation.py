"""provincial evaluation (Art. 17, 18): one per fund × year at the province, its steps, and 财政厅's summary

provincial_evaluation: the 省级分险种绩效评价 of a fund's year, its narrative (FORMS §4A), the tax
department's concurrence (by content revision), the late mark (Art. 17: sent to 财政厅 by 10 July), its
approval, and the aggregate of the self-evaluations as sent (JSON). provincial_evaluation_transition: who
moved it, when and why. provincial_evaluation_summary: 财政厅's summary of a year, reported upward by the
end of July, with its document number.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-13 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provincial_evaluation",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("pooling_level", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("overview", sa.Text(), nullable=False),
        sa.Column("work", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.Text(), nullable=False),
        sa.Column("other", sa.Text(), nullable=False),
        sa.Column("content_revision", sa.Integer(), nullable=False),
        sa.Column("tax_concurred_revision", sa.Integer(), nullable=True),
        sa.Column("opener_organization_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_provincial_evaluation_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["opener_organization_id"],
            ["organization.id"],
            name=op.f("fk_provincial_evaluation_opener_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_provincial_evaluation_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_evaluation")),
        sa.UniqueConstraint(
            "region_id",
            "fund_type_id",
            "year",
            name=op.f("uq_provincial_evaluation_region_id_fund_type_id_year"),
        ),
    )
    with op.batch_alter_table("provincial_evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provincial_evaluation_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_provincial_evaluation_year"), ["year"], unique=False)

    op.create_table(
        "provincial_evaluation_summary",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("overview", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("document_number", sa.String(length=48), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_provincial_evaluation_summary_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_provincial_evaluation_summary_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_evaluation_summary")),
        sa.UniqueConstraint(
            "region_id", "year", name=op.f("uq_provincial_evaluation_summary_region_id_year")
        ),
    )
    with op.batch_alter_table("provincial_evaluation_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provincial_evaluation_summary_region_id"), ["region_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_provincial_evaluation_summary_year"), ["year"], unique=False)

    op.create_table(
        "provincial_evaluation_transition",
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
            ["provincial_evaluation.id"],
            name=op.f("fk_provincial_evaluation_transition_evaluation_id_provincial_evaluation"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_provincial_evaluation_transition_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_provincial_evaluation_transition_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_evaluation_transition")),
    )
    with op.batch_alter_table("provincial_evaluation_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provincial_evaluation_transition_evaluation_id"), ["evaluation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("provincial_evaluation_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provincial_evaluation_transition_evaluation_id"))

    op.drop_table("provincial_evaluation_transition")
    with op.batch_alter_table("provincial_evaluation_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provincial_evaluation_summary_year"))
        batch_op.drop_index(batch_op.f("ix_provincial_evaluation_summary_region_id"))

    op.drop_table("provincial_evaluation_summary")
    with op.batch_alter_table("provincial_evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provincial_evaluation_year"))
        batch_op.drop_index(batch_op.f("ix_provincial_evaluation_region_id"))

    op.drop_table("provincial_evaluation")
