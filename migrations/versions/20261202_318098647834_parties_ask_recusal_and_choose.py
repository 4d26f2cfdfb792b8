"""a party asks for recusal from their own page (recusal_requests.recorded_by_id may be
empty when the party sent it) and chooses a mediator from the roster (mediator_choices)

Revision ID: 318098647834
Revises: 519d76892ce9
Create Date: 2026-12-02 07:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '318098647834'
down_revision = '519d76892ce9'
branch_labels = None
depends_on = None


def upgrade():
    # recusal_requests is referenced by no other table: SQLite's batch rebuild is safe here
    with op.batch_alter_table('recusal_requests', schema=None) as batch_op:
        batch_op.alter_column('recorded_by_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_recusal_requests_recorded_or_asked_by_party'),
            'recorded_by_id IS NOT NULL OR party_id IS NOT NULL')

    op.create_table('mediator_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=False),
    sa.Column('chosen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_mediator_choices_case_id_cases')),
    sa.ForeignKeyConstraint(['mediator_id'], ['users.id'], name=op.f('fk_mediator_choices_mediator_id_users')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_mediator_choices_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediator_choices')),
    sa.UniqueConstraint('case_id', 'party_id', name='uq_mediator_choices_case_party')
    )
    with op.batch_alter_table('mediator_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediator_choices_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mediator_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediator_choices_case_id'))
    op.drop_table('mediator_choices')
    op.execute("DELETE FROM recusal_requests WHERE recorded_by_id IS NULL")
    with op.batch_alter_table('recusal_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_recusal_requests_recorded_or_asked_by_party'),
                                 type_='check')
        batch_op.alter_column('recorded_by_id', existing_type=sa.Integer(), nullable=False)
