"""cases.version: optimistic concurrency for edits of a case

Revision ID: f6d8b0c2e4a6
Revises: 9a3c5e7f1b24
Create Date: 2026-12-01 09:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f6d8b0c2e4a6'
down_revision = '9a3c5e7f1b24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    # a plain DROP COLUMN (SQLite 3.35+): rebuilding the referenced cases table would trip
    # the foreign keys of its rows
    op.execute("ALTER TABLE cases DROP COLUMN version")
