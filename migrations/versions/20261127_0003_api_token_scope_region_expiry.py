"""api token scope, region and expiry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tokens issued before scopes existed could do everything their account may: they stay READ_WRITE
    # (administrators revoke and reissue them narrower). New tokens always name their scope.
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=32), server_default='READ_WRITE', nullable=False))
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_api_token_region_id_region'), 'region', ['region_id'], ['id'])
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('scope', existing_type=sa.String(length=32), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_token_region_id_region'), type_='foreignkey')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('region_id')
        batch_op.drop_column('scope')
