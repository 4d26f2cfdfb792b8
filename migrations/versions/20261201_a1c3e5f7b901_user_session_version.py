"""users.session_version: raising it ends every session of the user

Revision ID: a1c3e5f7b901
Revises: c8819b12c5fc
Create Date: 2026-12-01 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c3e5f7b901'
down_revision = 'c8819b12c5fc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
