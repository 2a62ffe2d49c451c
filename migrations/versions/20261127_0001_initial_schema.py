"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 00:16:19.272880
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fund_type',
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('administration', sa.String(length=32), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_type'))
    )
    with op.batch_alter_table('fund_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_type_code'), ['code'], unique=True)

    op.create_table('region',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['region.id'], name=op.f('fk_region_parent_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_region_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_region_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_region_path'), ['path'], unique=False)

    op.create_table('fund_budget',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('row_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('fund_type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['fund_type_id'], ['fund_type.id'], name=op.f('fk_fund_budget_fund_type_id_fund_type')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_fund_budget_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_budget')),
    sa.UniqueConstraint('region_id', 'fund_type_id', 'year', name=op.f('uq_fund_budget_region_id_fund_type_id_year'))
    )
    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_budget_fund_type_id'), ['fund_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_budget_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_budget_year'), ['year'], unique=False)

    op.create_table('goal',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('row_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('horizon', sa.String(length=32), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_type_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('overall_goal_id', sa.Integer(), nullable=True),
    sa.Column('parent_goal_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('start_year <= end_year', name=op.f('ck_goal_period_order')),
    sa.ForeignKeyConstraint(['fund_type_id'], ['fund_type.id'], name=op.f('fk_goal_fund_type_id_fund_type')),
    sa.ForeignKeyConstraint(['overall_goal_id'], ['goal.id'], name=op.f('fk_goal_overall_goal_id_goal')),
    sa.ForeignKeyConstraint(['parent_goal_id'], ['goal.id'], name=op.f('fk_goal_parent_goal_id_goal')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_goal_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal')),
    sa.UniqueConstraint('fund_type_id', 'region_id', 'horizon', 'start_year', 'end_year', 'version', name=op.f('uq_goal_fund_type_id_region_id_horizon_start_year_end_year_version'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_end_year'), ['end_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_fund_type_id'), ['fund_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_horizon'), ['horizon'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_overall_goal_id'), ['overall_goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_parent_goal_id'), ['parent_goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_goal_scope', ['fund_type_id', 'region_id', 'horizon', 'start_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_start_year'), ['start_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_status'), ['status'], unique=False)

    op.create_table('indicator_template',
    sa.Column('level1', sa.String(length=32), nullable=False),
    sa.Column('level2', sa.String(length=64), nullable=False),
    sa.Column('level3', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('comparator', sa.String(length=32), nullable=False),
    sa.Column('default_target_value', sa.Numeric(20, 4).with_variant(sa.BigInteger(), 'sqlite'), nullable=True),
    sa.Column('default_target_grade', sa.String(length=32), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fund_type_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['fund_type_id'], ['fund_type.id'], name=op.f('fk_indicator_template_fund_type_id_fund_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_template')),
    sa.UniqueConstraint('key', name=op.f('uq_indicator_template_key'))
    )
    with op.batch_alter_table('indicator_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_template_fund_type_id'), ['fund_type_id'], unique=False)

    op.create_table('organization',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('actor_type', sa.String(length=32), nullable=False),
    sa.Column('administration', sa.String(length=32), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_organization_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_actor_type'), ['actor_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_region_id'), ['region_id'], unique=False)
    # Written by hand: autogenerate cannot reflect expression indexes on SQLite.
    op.create_index(
        'uq_organization_scope',
        'organization',
        ['actor_type', 'region_id', sa.text("coalesce(administration, '')")],
        unique=True,
    )

    op.create_table('pooling_arrangement',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('pooling_level', sa.String(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fund_type_id'], ['fund_type.id'], name=op.f('fk_pooling_arrangement_fund_type_id_fund_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pooling_arrangement')),
    sa.UniqueConstraint('fund_type_id', 'year', name=op.f('uq_pooling_arrangement_fund_type_id_year'))
    )
    with op.batch_alter_table('pooling_arrangement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pooling_arrangement_fund_type_id'), ['fund_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pooling_arrangement_year'), ['year'], unique=False)

    op.create_table('app_user',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_app_user_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_username'), ['username'], unique=True)

    op.create_table('fund_budget_line',
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('initial_amount', sa.Numeric(18, 2).with_variant(sa.BigInteger(), 'sqlite'), nullable=False),
    sa.Column('adjusted_amount', sa.Numeric(18, 2).with_variant(sa.BigInteger(), 'sqlite'), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['fund_budget.id'], name=op.f('fk_fund_budget_line_budget_id_fund_budget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_budget_line')),
    sa.UniqueConstraint('budget_id', 'item', name=op.f('uq_fund_budget_line_budget_id_item'))
    )
    with op.batch_alter_table('fund_budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_budget_line_budget_id'), ['budget_id'], unique=False)

    op.create_table('indicator',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('row_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('level1', sa.String(length=32), nullable=False),
    sa.Column('level2', sa.String(length=64), nullable=False),
    sa.Column('level3', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('comparator', sa.String(length=32), nullable=False),
    sa.Column('target_value', sa.Numeric(20, 4).with_variant(sa.BigInteger(), 'sqlite'), nullable=True),
    sa.Column('target_grade', sa.String(length=32), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('weight', sa.Numeric(6, 2).with_variant(sa.BigInteger(), 'sqlite'), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_indicator_goal_id_goal')),
    sa.ForeignKeyConstraint(['template_id'], ['indicator_template.id'], name=op.f('fk_indicator_template_id_indicator_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_goal_id'), ['goal_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_goal_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('fund_budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_budget_line_budget_id'))

    op.drop_table('fund_budget_line')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_username'))
        batch_op.drop_index(batch_op.f('ix_app_user_organization_id'))

    op.drop_table('app_user')
    with op.batch_alter_table('pooling_arrangement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pooling_arrangement_year'))
        batch_op.drop_index(batch_op.f('ix_pooling_arrangement_fund_type_id'))

    op.drop_table('pooling_arrangement')
    op.drop_index('uq_organization_scope', table_name='organization')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_region_id'))
        batch_op.drop_index(batch_op.f('ix_organization_actor_type'))

    op.drop_table('organization')
    with op.batch_alter_table('indicator_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_template_fund_type_id'))

    op.drop_table('indicator_template')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_status'))
        batch_op.drop_index(batch_op.f('ix_goal_start_year'))
        batch_op.drop_index('ix_goal_scope')
        batch_op.drop_index(batch_op.f('ix_goal_region_id'))
        batch_op.drop_index(batch_op.f('ix_goal_parent_goal_id'))
        batch_op.drop_index(batch_op.f('ix_goal_overall_goal_id'))
        batch_op.drop_index(batch_op.f('ix_goal_horizon'))
        batch_op.drop_index(batch_op.f('ix_goal_fund_type_id'))
        batch_op.drop_index(batch_op.f('ix_goal_end_year'))

    op.drop_table('goal')
    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_budget_year'))
        batch_op.drop_index(batch_op.f('ix_fund_budget_region_id'))
        batch_op.drop_index(batch_op.f('ix_fund_budget_fund_type_id'))

    op.drop_table('fund_budget')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_path'))
        batch_op.drop_index(batch_op.f('ix_region_parent_id'))
        batch_op.drop_index(batch_op.f('ix_region_level'))
        batch_op.drop_index(batch_op.f('ix_region_code'))

    op.drop_table('region')
    with op.batch_alter_table('fund_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_type_code'))

    op.drop_table('fund_type')
