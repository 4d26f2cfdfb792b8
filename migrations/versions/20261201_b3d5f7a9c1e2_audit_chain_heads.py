"""audit_heads: each case's chain length, last hash and state, sealed with the audit key

Existing chains are plain SHA-256: put them under the audit key with `flask audit rekey`.

Revision ID: b3d5f7a9c1e2
Revises: d4e6f8a0b213
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3d5f7a9c1e2'
down_revision = 'd4e6f8a0b213'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_heads',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('length', sa.Integer(), nullable=False),
        sa.Column('head_hash', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('holder_institution_id', sa.Integer(), nullable=True),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_audit_heads_case_id_cases')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_audit_heads')),
    )


def downgrade():
    op.drop_table('audit_heads')
