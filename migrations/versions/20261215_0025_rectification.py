"""rectification items (Art. 20): 整改事项 with their evidence files

rectification_item: one problem of a region's fund in a budget year, its Art. 20 kind, source (a feedback,
self-evaluation or provincial evaluation, or 来源 text), owner, the finance that raised it, due date,
measures, cause, progress and status up to VERIFIED. rectification_evidence: its files (stored under
STORAGE_DIR by key), with their sha256, name, type, size, uploader and time.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-15 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rectification_item",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fund_type_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("self_evaluation_id", sa.Integer(), nullable=True),
        sa.Column("provincial_evaluation_id", sa.Integer(), nullable=True),
        sa.Column("source_text", sa.String(length=200), nullable=False),
        sa.Column("owner_organization_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_organization_id", sa.Integer(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["evaluation_feedback.id"],
            name=op.f("fk_rectification_item_feedback_id_evaluation_feedback"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fund_type_id"], ["fund_type.id"], name=op.f("fk_rectification_item_fund_type_id_fund_type")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organization_id"],
            ["organization.id"],
            name=op.f("fk_rectification_item_owner_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["provincial_evaluation_id"],
            ["provincial_evaluation.id"],
            name=op.f("fk_rectification_item_provincial_evaluation_id_provincial_evaluation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_organization_id"],
            ["organization.id"],
            name=op.f("fk_rectification_item_raised_by_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_rectification_item_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["self_evaluation_id"],
            ["self_evaluation.id"],
            name=op.f("fk_rectification_item_self_evaluation_id_self_evaluation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_item")),
    )
    with op.batch_alter_table("rectification_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_item_feedback_id"), ["feedback_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_item_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_item_year"), ["year"], unique=False)

    op.create_table(
        "rectification_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["rectification_item.id"],
            name=op.f("fk_rectification_evidence_item_id_rectification_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["app_user.id"], name=op.f("fk_rectification_evidence_uploaded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_evidence")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_rectification_evidence_storage_key")),
    )
    with op.batch_alter_table("rectification_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_evidence_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectification_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_evidence_item_id"))

    op.drop_table("rectification_evidence")
    with op.batch_alter_table("rectification_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_item_year"))
        batch_op.drop_index(batch_op.f("ix_rectification_item_region_id"))
        batch_op.drop_index(batch_op.f("ix_rectification_item_feedback_id"))

    op.drop_table("rectification_item")
