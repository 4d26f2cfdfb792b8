"""monthly report requests

Revision ID: e3a7c1d90b42
Revises: a1c3e5f7b901
Create Date: 2026-12-01 08:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a7c1d90b42'
down_revision = 'a1c3e5f7b901'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('monthly_report_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_monthly_report_requests_status')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_monthly_report_requests_region_id_regions')),
    sa.ForeignKeyConstraint(['report_id'], ['monthly_reports.id'], name=op.f('fk_monthly_report_requests_report_id_monthly_reports')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_monthly_report_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_report_requests'))
    )
    with op.batch_alter_table('monthly_report_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_report_requests_region_id'), ['region_id'], unique=False)


def downgrade():
    with op.batch_alter_table('monthly_report_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_report_requests_region_id'))
    op.drop_table('monthly_report_requests')
