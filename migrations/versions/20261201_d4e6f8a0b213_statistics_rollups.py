"""statistics rollups, deadline history, the mediator who concluded a handling

Revision ID: d4e6f8a0b213
Revises: 5f1a9c2e7d14, e3a7c1d90b42
Create Date: 2026-12-01 08:50:00

"""
from alembic import op
import sqlalchemy as sa

from mediation_app.stats.models import DROP_TRIGGER_SQL, TRIGGER_SQL


revision = 'd4e6f8a0b213'
down_revision = ('5f1a9c2e7d14', 'e3a7c1d90b42')
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deadline_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('handling_id', sa.Integer(), nullable=False),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.Column('deadline_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['handling_id'], ['handlings.id'],
                                name=op.f('fk_deadline_changes_handling_id_handlings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_changes')))
    with op.batch_alter_table('deadline_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_changes_handling_id'), ['handling_id'],
                              unique=False)

    with op.batch_alter_table('handlings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mediator_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_handlings_mediator_id_users'), 'users',
                                    ['mediator_id'], ['id'])
    # the best fact there is for handlings that ended before: the case's mediator now, when
    # they belong to the institution of the handling
    op.execute("""
        UPDATE handlings SET mediator_id = (
            SELECT cases.assigned_mediator_id FROM cases JOIN users
              ON users.id = cases.assigned_mediator_id
            WHERE cases.id = handlings.case_id
              AND users.institution_id = handlings.institution_id)
        WHERE outcome IS NOT NULL""")

    op.create_table(
        'stats_handling_facts',
        sa.Column('handling_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('dispute_type', sa.String(length=32), nullable=False),
        sa.Column('accepted_day', sa.Date(), nullable=True),
        sa.Column('concluded_day', sa.Date(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('parties', sa.Integer(), nullable=False),
        sa.Column('agreement_amount', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('recurred_at', sa.DateTime(), nullable=True),
        sa.Column('is_repeat', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_stats_handling_facts_case_id_cases')),
        sa.ForeignKeyConstraint(['handling_id'], ['handlings.id'],
                                name=op.f('fk_stats_handling_facts_handling_id_handlings')),
        sa.PrimaryKeyConstraint('handling_id', name=op.f('pk_stats_handling_facts')))
    with op.batch_alter_table('stats_handling_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_handling_facts_case_id'), ['case_id'],
                              unique=False)
        batch_op.create_index('ix_stats_handling_facts_repeat', ['concluded_day'], unique=False,
                              sqlite_where=sa.text('is_repeat'),
                              postgresql_where=sa.text('is_repeat'))

    op.create_table(
        'stats_daily',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('institution_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('dispute_type', sa.String(length=32), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('success', sa.Integer(), nullable=False),
        sa.Column('failure', sa.Integer(), nullable=False),
        sa.Column('withdrawn', sa.Integer(), nullable=False),
        sa.Column('transferred', sa.Integer(), nullable=False),
        sa.Column('parties', sa.Integer(), nullable=False),
        sa.Column('agreement_amount', sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column('durable_success', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'institution_id', 'region_id', 'channel',
                                'dispute_type', name=op.f('pk_stats_daily')))

    op.create_table(
        'stats_overdue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('handling_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('dispute_type', sa.String(length=32), nullable=False),
        sa.Column('deadline_at', sa.DateTime(), nullable=False),
        sa.Column('overdue_from', sa.DateTime(), nullable=False),
        sa.Column('overdue_until', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_overdue')))
    with op.batch_alter_table('stats_overdue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_overdue_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_overdue_handling_id'), ['handling_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_stats_overdue_overdue_from'), ['overdue_from'],
                              unique=False)
        batch_op.create_index('ix_stats_overdue_until_from', ['overdue_until', 'overdue_from'],
                              unique=False)

    op.create_table(
        'stats_dirty',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_dirty')))
    op.create_table(
        'stats_rollup_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('durable_months', sa.Integer(), nullable=False),
        sa.Column('rebuilt_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_rollup_state')))
    for statement in TRIGGER_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    # every existing case is rolled up at the first read (or by `flask stats rebuild`)
    op.execute("INSERT INTO stats_dirty (case_id) SELECT id FROM cases")


def downgrade():
    for statement in DROP_TRIGGER_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_table('stats_rollup_state')
    op.drop_table('stats_dirty')
    with op.batch_alter_table('stats_overdue', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_overdue_until_from')
        batch_op.drop_index(batch_op.f('ix_stats_overdue_overdue_from'))
        batch_op.drop_index(batch_op.f('ix_stats_overdue_handling_id'))
        batch_op.drop_index(batch_op.f('ix_stats_overdue_case_id'))
    op.drop_table('stats_overdue')
    op.drop_table('stats_daily')
    with op.batch_alter_table('stats_handling_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_handling_facts_repeat',
                            sqlite_where=sa.text('is_repeat'),
                            postgresql_where=sa.text('is_repeat'))
        batch_op.drop_index(batch_op.f('ix_stats_handling_facts_case_id'))
    op.drop_table('stats_handling_facts')
    with op.batch_alter_table('handlings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_handlings_mediator_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('mediator_id')
    with op.batch_alter_table('deadline_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_changes_handling_id'))
    op.drop_table('deadline_changes')
