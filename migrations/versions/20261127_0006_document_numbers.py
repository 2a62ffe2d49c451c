"""document numbers (发文字号): one per goal version issued, from a sequence per issuing body and year

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 21:53:49.494193
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=48), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_document_number_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_document_number_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_number")),
        # One number per goal version; no number twice in an issuing body's sequence of a year.
        sa.UniqueConstraint("goal_id", name=op.f("uq_document_number_goal_id")),
        sa.UniqueConstraint(
            "organization_id",
            "year",
            "sequence",
            name=op.f("uq_document_number_organization_id_year_sequence"),
        ),
    )


def downgrade() -> None:
    op.drop_table("document_number")
