"""stats_handling_facts indexed by the day concluded: the durations of a period read the
handlings concluded in it

Revision ID: a1c3e5f7b9d2
Revises: b7e1d2c3a4f5
Create Date: 2026-12-02 01:00:00

"""
from alembic import op


revision = 'a1c3e5f7b9d2'
down_revision = 'b7e1d2c3a4f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stats_handling_facts', schema=None) as batch_op:
        batch_op.create_index('ix_stats_handling_facts_concluded',
                              ['concluded_day', 'region_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stats_handling_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_handling_facts_concluded')
