"""assessment of prefectures (Art. 22): 财政厅's yearly round and each prefecture's result

assessment_round: one per province and budget year, its status, computation revision, the provincial bodies'
concurrences (人社厅, 省医保局, 省税务局), the weights used, the notice's number and co-issuers.
prefecture_assessment: one per prefecture in a round, its facts (raw counts, 0–100 sub-scores), total, rank
and outcome.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-18 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_round",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("content_revision", sa.Integer(), nullable=False),
        sa.Column("hrss_concurred_revision", sa.Integer(), nullable=True),
        sa.Column("medical_security_concurred_revision", sa.Integer(), nullable=True),
        sa.Column("tax_concurred_revision", sa.Integer(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=True),
        sa.Column("co_issuer_ids", sa.JSON(), nullable=True),
        sa.Column("document_number", sa.String(length=48), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_assessment_round_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_assessment_round_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_round")),
        sa.UniqueConstraint("region_id", "year", name=op.f("uq_assessment_round_region_id_year")),
    )
    with op.batch_alter_table("assessment_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_round_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_round_year"), ["year"], unique=False)

    op.create_table(
        "prefecture_assessment",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("deadlines_due", sa.Integer(), nullable=False),
        sa.Column("deadlines_on_time", sa.Integer(), nullable=False),
        sa.Column("deadlines_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("evaluations_owed", sa.Integer(), nullable=False),
        sa.Column("evaluations_submitted", sa.Integer(), nullable=False),
        sa.Column("evaluations_accepted", sa.Integer(), nullable=False),
        sa.Column(
            "evaluations_average", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True
        ),
        sa.Column(
            "evaluations_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True
        ),
        sa.Column("rectification_items", sa.Integer(), nullable=False),
        sa.Column("rectification_closed", sa.Integer(), nullable=False),
        sa.Column("rectification_on_time", sa.Integer(), nullable=False),
        sa.Column(
            "rectification_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True
        ),
        sa.Column("warnings_due", sa.Integer(), nullable=False),
        sa.Column("warnings_in_time", sa.Integer(), nullable=False),
        sa.Column("warnings_score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("total", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_prefecture_assessment_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["assessment_round.id"],
            name=op.f("fk_prefecture_assessment_round_id_assessment_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prefecture_assessment")),
        sa.UniqueConstraint(
            "round_id", "region_id", name=op.f("uq_prefecture_assessment_round_id_region_id")
        ),
    )
    with op.batch_alter_table("prefecture_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prefecture_assessment_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prefecture_assessment_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("prefecture_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prefecture_assessment_round_id"))
        batch_op.drop_index(batch_op.f("ix_prefecture_assessment_region_id"))

    op.drop_table("prefecture_assessment")
    with op.batch_alter_table("assessment_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_round_year"))
        batch_op.drop_index(batch_op.f("ix_assessment_round_region_id"))

    op.drop_table("assessment_round")
