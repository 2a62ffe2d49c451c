"""evaluation feedback (Art. 19): 财政厅's 评价结果反馈函 per pooling region × fund × year, and its recipients

evaluation_feedback: the findings and recommendations answering one self-evaluation, its score and grade
as sent, the joint issuers, the document number, the answer-by date (the region's FEEDBACK_ANSWER_DAYS
after sending). evaluation_feedback_recipient: the region's finance, administration and agency it is
addressed to, each acknowledging it.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-14 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_feedback",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("self_evaluation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("achievements", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column("rectification", sa.Text(), nullable=False),
        sa.Column("application", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(8, 2).with_variant(sa.BigInteger(), "sqlite"), nullable=True),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("co_issuer_ids", sa.JSON(), nullable=True),
        sa.Column("document_number", sa.String(length=48), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_by", sa.Date(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_evaluation_feedback_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_evaluation_feedback_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["region.id"], name=op.f("fk_evaluation_feedback_province_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_evaluation_feedback_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["self_evaluation_id"],
            ["self_evaluation.id"],
            name=op.f("fk_evaluation_feedback_self_evaluation_id_self_evaluation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_feedback")),
        sa.UniqueConstraint(
            "region_id",
            "fund_type_id",
            "year",
            name=op.f("uq_evaluation_feedback_region_id_fund_type_id_year"),
        ),
        sa.UniqueConstraint("self_evaluation_id", name=op.f("uq_evaluation_feedback_self_evaluation_id")),
    )
    with op.batch_alter_table("evaluation_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_feedback_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_feedback_year"), ["year"], unique=False)

    op.create_table(
        "evaluation_feedback_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("actor_type", sa.String(length=32), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["app_user.id"],
            name=op.f("fk_evaluation_feedback_recipient_acknowledged_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["evaluation_feedback.id"],
            name=op.f("fk_evaluation_feedback_recipient_feedback_id_evaluation_feedback"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_evaluation_feedback_recipient_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_feedback_recipient")),
        sa.UniqueConstraint(
            "feedback_id",
            "organization_id",
            name=op.f("uq_evaluation_feedback_recipient_feedback_id_organization_id"),
        ),
    )
    with op.batch_alter_table("evaluation_feedback_recipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_feedback_recipient_feedback_id"), ["feedback_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_feedback_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_feedback_recipient_feedback_id"))

    op.drop_table("evaluation_feedback_recipient")
    with op.batch_alter_table("evaluation_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_feedback_year"))
        batch_op.drop_index(batch_op.f("ix_evaluation_feedback_region_id"))

    op.drop_table("evaluation_feedback")
