"""documents.referral_id: a document issued to go with a referral (the 司法确认 申请书
attached to the referral that sends the case to the court)

Revision ID: dc399a915803
Revises: 7641d97047a0
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'dc399a915803'
down_revision = '7641d97047a0'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN: rebuilding `documents` (SQLite batch mode) would trip the foreign
    # keys of the rows that point at it
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE documents ADD COLUMN referral_id INTEGER "
                   "CONSTRAINT fk_documents_referral_id_referrals REFERENCES referrals (id)")
    else:
        op.add_column('documents', sa.Column('referral_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_documents_referral_id_referrals', 'documents', 'referrals',
                              ['referral_id'], ['id'])
    op.create_index('ix_documents_referral_id', 'documents', ['referral_id'], unique=False)


def downgrade():
    op.drop_index('ix_documents_referral_id', table_name='documents')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_documents_referral_id_referrals', 'documents',
                           type_='foreignkey')
    op.execute("ALTER TABLE documents DROP COLUMN referral_id")
