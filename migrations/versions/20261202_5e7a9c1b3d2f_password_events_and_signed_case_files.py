"""account_events: every password set, in the audit trail; case_archives.verification_code:
the signed case file (卷宗) is checked on the verify page like the other issued documents

Revision ID: 5e7a9c1b3d2f
Revises: c6ba919f7d0a
Create Date: 2026-12-02 10:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e7a9c1b3d2f'
down_revision = 'c6ba919f7d0a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('via', sa.String(length=16), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('actor_name', sa.String(length=100), nullable=True),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.CheckConstraint("via IN ('created', 'changed', 'reset', 'cli')",
                           name=op.f('ck_account_events_via')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_account_events_user_id_users')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_account_events_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events')),
    )
    op.create_index(op.f('ix_account_events_user_id'), 'account_events', ['user_id'],
                    unique=False)
    with op.batch_alter_table('case_archives') as batch:
        batch.add_column(sa.Column('verification_code', sa.String(length=16), nullable=True))
        batch.create_unique_constraint(op.f('uq_case_archives_verification_code'),
                                       ['verification_code'])


def downgrade():
    with op.batch_alter_table('case_archives') as batch:
        batch.drop_constraint(op.f('uq_case_archives_verification_code'), type_='unique')
        batch.drop_column('verification_code')
    op.drop_index(op.f('ix_account_events_user_id'), table_name='account_events')
    op.drop_table('account_events')
