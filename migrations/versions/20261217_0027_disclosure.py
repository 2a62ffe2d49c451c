"""disclosure (Art. 21): 绩效信息公开 per region × year and its items

disclosure: the region's finance, the status (draft, approved, reported to the 人大, published), the last
editor and the approver (four eyes), the date reported, the public content snapshotted at approval, the
rendered document's report job and
its number (drawn at publishing). disclosure_item: a goal or evaluation result chosen, with a public note.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-17 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("preface", sa.String(length=2000), nullable=False),
        sa.Column("last_edited_by", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_number", sa.String(length=48), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("document_job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["app_user.id"], name=op.f("fk_disclosure_approved_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["last_edited_by"], ["app_user.id"], name=op.f("fk_disclosure_last_edited_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_disclosure_organization_id_organization")
        ),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_disclosure_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
        sa.UniqueConstraint("region_id", "year", name=op.f("uq_disclosure_region_id_year")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disclosure_year"), ["year"], unique=False)

    op.create_table(
        "disclosure_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosure.id"],
            name=op.f("fk_disclosure_item_disclosure_id_disclosure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_item")),
        sa.UniqueConstraint(
            "disclosure_id", "kind", "record_id", name=op.f("uq_disclosure_item_disclosure_id_kind_record_id")
        ),
    )
    with op.batch_alter_table("disclosure_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_item_disclosure_id"), ["disclosure_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("disclosure_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_item_disclosure_id"))
    op.drop_table("disclosure_item")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_year"))
        batch_op.drop_index(batch_op.f("ix_disclosure_region_id"))
    op.drop_table("disclosure")
