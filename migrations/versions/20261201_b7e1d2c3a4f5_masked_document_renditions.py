"""documents.masked_storage_key: the rendition with personal data masked, for readers who
see the case masked

Revision ID: b7e1d2c3a4f5
Revises: f6d8b0c2e4a6
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1d2c3a4f5'
down_revision = 'f6d8b0c2e4a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('masked_storage_key', sa.String(length=128), nullable=True))


def downgrade():
    # a plain DROP COLUMN (SQLite 3.35+): rebuilding the referenced documents table would
    # trip the foreign keys of its rows
    op.execute("ALTER TABLE documents DROP COLUMN masked_storage_key")
