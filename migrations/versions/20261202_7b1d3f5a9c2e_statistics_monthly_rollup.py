"""stats_monthly: stats_daily summed per month, filled from stats_daily; referrals by
decision time

A span of whole months (the statistics page's 12-month trend) reads a row per month and
combination of keys instead of one per day. The referral figures of a period read the
referrals decided in it or not yet decided through ix_referrals_decided_at.

Revision ID: 7b1d3f5a9c2e
Revises: 5e7a9c1b3d2f
Create Date: 2026-12-02 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7b1d3f5a9c2e'
down_revision = '5e7a9c1b3d2f'
branch_labels = None
depends_on = None

SUMS = ('received', 'success', 'failure', 'withdrawn', 'transferred', 'parties',
        'agreement_amount', 'durable_success')
MONTH_OF_DAY = {'sqlite': "date(day, 'start of month')",
                'postgresql': "CAST(date_trunc('month', day) AS date)"}


def upgrade():
    op.create_table(
        'stats_monthly',
        sa.Column('month', sa.Date(), nullable=False),
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
        sa.PrimaryKeyConstraint('month', 'institution_id', 'region_id', 'channel',
                                'dispute_type', name=op.f('pk_stats_monthly')))
    month = MONTH_OF_DAY[op.get_bind().dialect.name]
    sums = ', '.join(SUMS)
    op.execute(
        f"INSERT INTO stats_monthly (month, institution_id, region_id, channel, dispute_type, "
        f"{sums}) SELECT {month}, institution_id, region_id, channel, dispute_type, "
        f"{', '.join(f'sum({name})' for name in SUMS)} FROM stats_daily "
        f"GROUP BY {month}, institution_id, region_id, channel, dispute_type")
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_decided_at', ['decided_at'], unique=False)


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_decided_at')
    op.drop_table('stats_monthly')
