"""mediator roster and recusal requests

Revision ID: 8c4e2a6b1d37
Revises: 0d2b433038f8
Create Date: 2026-12-01 08:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c4e2a6b1d37'
down_revision = '0d2b433038f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mediator_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('qualifications', sa.Text(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('is_listed', sa.Boolean(), nullable=False),
    sa.Column('is_invited', sa.Boolean(), nullable=False),
    sa.Column('max_load', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('max_load > 0', name=op.f('ck_mediator_profiles_max_load_positive')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_mediator_profiles_region_id_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mediator_profiles_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediator_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mediator_profiles_user_id'))
    )
    with op.batch_alter_table('mediator_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediator_profiles_region_id'), ['region_id'], unique=False)

    op.create_table('recusal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('replacement_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_recusal_requests_decided_at_set')),
    sa.CheckConstraint("status IN ('pending', 'granted', 'refused')", name=op.f('ck_recusal_requests_status')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_recusal_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_recusal_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['mediator_id'], ['users.id'], name=op.f('fk_recusal_requests_mediator_id_users')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_recusal_requests_party_id_parties')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_recusal_requests_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['replacement_id'], ['users.id'], name=op.f('fk_recusal_requests_replacement_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusal_requests'))
    )
    with op.batch_alter_table('recusal_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_recusal_requests_one_pending', ['case_id', 'mediator_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    with op.batch_alter_table('recusal_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_recusal_requests_one_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_recusal_requests_case_id'))

    op.drop_table('recusal_requests')
    with op.batch_alter_table('mediator_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediator_profiles_region_id'))

    op.drop_table('mediator_profiles')
    # ### end Alembic commands ###
