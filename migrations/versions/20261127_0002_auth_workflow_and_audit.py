"""auth, workflow and audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:19:27.168573
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_api_token_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('operation', sa.String(length=64), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_audit_event_organization_id_organization')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_audit_event_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_operation'), ['operation'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_audit_event_target', ['target_type', 'target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('goal_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=False),
    sa.Column('to_status', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_transition_goal_id_goal')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_goal_transition_organization_id_organization')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_goal_transition_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_transition'))
    )
    with op.batch_alter_table('goal_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_transition_goal_id'), ['goal_id'], unique=False)

    op.create_table('refresh_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('family_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_refresh_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refresh_token_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_service_account', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_fund_budget_approved_by_id_app_user'), 'app_user', ['approved_by_id'], ['id'])

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lineage_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('adjustment_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('drafter_organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('co_drafter_organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('national_submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_goal_lineage_id'), ['lineage_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_goal_previous_version_id_goal'), 'goal', ['previous_version_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_goal_co_drafter_organization_id_organization'), 'organization', ['co_drafter_organization_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_goal_lineage_id_goal'), 'goal', ['lineage_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_goal_drafter_organization_id_organization'), 'organization', ['drafter_organization_id'], ['id'])

    # Existing goals are each the first version of their own lineage.
    op.execute("UPDATE goal SET lineage_id = id WHERE lineage_id IS NULL")

    # The audit trail is append-only, enforced by the database itself.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_event is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_goal_drafter_organization_id_organization'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_goal_lineage_id_goal'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_goal_co_drafter_organization_id_organization'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_goal_previous_version_id_goal'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_goal_lineage_id'))
        batch_op.drop_column('national_submitted_at')
        batch_op.drop_column('co_drafter_organization_id')
        batch_op.drop_column('drafter_organization_id')
        batch_op.drop_column('adjustment_reason')
        batch_op.drop_column('previous_version_id')
        batch_op.drop_column('lineage_id')

    with op.batch_alter_table('fund_budget', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fund_budget_approved_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('is_service_account')

    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_refresh_token_family_id'))

    op.drop_table('refresh_token')
    with op.batch_alter_table('goal_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_transition_goal_id'))

    op.drop_table('goal_transition')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index('ix_audit_event_target')
        batch_op.drop_index(batch_op.f('ix_audit_event_organization_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_operation'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
