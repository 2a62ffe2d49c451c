"""两书一函 escalation (Art. 22): a prefecture's case per budget year and its three letters in order

escalation_case: the prefecture, the year, the reason, the assessment it came from (assessment_id, a
published prefecture_assessment row; set null should that row go), the status, the level reached,
the joint issuers, the resolution. escalation_letter: each letter (1 提醒督促书, 2 整改通知书, 3 约谈函)
with its content, number, sending, answer-by date and the prefecture's answer.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-19 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation_case",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("co_issuer_ids", sa.JSON(), nullable=True),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["prefecture_assessment.id"],
            name=op.f("fk_escalation_case_assessment_id_prefecture_assessment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["app_user.id"], name=op.f("fk_escalation_case_closed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["app_user.id"], name=op.f("fk_escalation_case_opened_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_escalation_case_organization_id_organization")
        ),
        sa.ForeignKeyConstraint(["province_id"], ["region.id"], name=op.f("fk_escalation_case_province_id_region")),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_escalation_case_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_case")),
        sa.UniqueConstraint("region_id", "year", name=op.f("uq_escalation_case_region_id_year")),
    )
    with op.batch_alter_table("escalation_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_case_assessment_id"), ["assessment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_case_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_case_year"), ["year"], unique=False)

    op.create_table(
        "escalation_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("document_number", sa.String(length=48), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("answer_by", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("unresolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unresolved_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["app_user.id"], name=op.f("fk_escalation_letter_answered_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["escalation_case.id"],
            name=op.f("fk_escalation_letter_case_id_escalation_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["sent_by"], ["app_user.id"], name=op.f("fk_escalation_letter_sent_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_letter")),
        sa.UniqueConstraint("case_id", "level", name=op.f("uq_escalation_letter_case_id_level")),
    )
    with op.batch_alter_table("escalation_letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_letter_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalation_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_letter_case_id"))
    op.drop_table("escalation_letter")
    with op.batch_alter_table("escalation_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_case_year"))
        batch_op.drop_index(batch_op.f("ix_escalation_case_region_id"))
        batch_op.drop_index(batch_op.f("ix_escalation_case_assessment_id"))
    op.drop_table("escalation_case")
