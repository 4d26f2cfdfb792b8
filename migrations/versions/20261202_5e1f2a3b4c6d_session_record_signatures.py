"""session_record_signatures and record_documents: the 调解笔录 signed on screen by those
present (or their refusal), and the document issued from a session record or a visit

Revision ID: 5e1f2a3b4c6d
Revises: 84dc2b43c2e0
Create Date: 2026-12-02 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e1f2a3b4c6d'
down_revision = '84dc2b43c2e0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'session_record_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('signer_key', sa.String(length=120), nullable=False),
        sa.Column('signer_name', sa.String(length=100), nullable=False),
        sa.Column('signer_role', sa.String(length=16), nullable=False),
        sa.Column('image_png', sa.LargeBinary(), nullable=True),
        sa.Column('refused', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('refusal_note', sa.Text(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.Column('ip_address', sa.String(length=45), nullable=False),
        sa.Column('user_agent', sa.String(length=300), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("signer_role IN ('party', 'mediator', 'recorder', 'other')",
                           name=op.f('ck_session_record_signatures_signer_role')),
        sa.CheckConstraint('(refused AND image_png IS NULL AND refusal_note IS NOT NULL) OR '
                           '(NOT refused AND image_png IS NOT NULL)',
                           name=op.f('ck_session_record_signatures_signed_or_refused')),
        sa.ForeignKeyConstraint(['session_id'], ['mediation_sessions.id'],
                                name=op.f('fk_session_record_signatures_session_id_mediation_sessions')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_session_record_signatures_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_record_signatures')),
        sa.UniqueConstraint('session_id', 'signer_key', name='uq_session_record_signatures_signer'),
    )
    op.create_index(op.f('ix_session_record_signatures_session_id'),
                    'session_record_signatures', ['session_id'], unique=False)
    op.create_table(
        'record_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('follow_up_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('(session_id IS NULL) <> (follow_up_id IS NULL)',
                           name=op.f('ck_record_documents_one_record')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_record_documents_document_id_documents')),
        sa.ForeignKeyConstraint(['session_id'], ['mediation_sessions.id'],
                                name=op.f('fk_record_documents_session_id_mediation_sessions')),
        sa.ForeignKeyConstraint(['follow_up_id'], ['follow_ups.id'],
                                name=op.f('fk_record_documents_follow_up_id_follow_ups')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_documents')),
        sa.UniqueConstraint('document_id', name=op.f('uq_record_documents_document_id')),
        sa.UniqueConstraint('session_id', name='uq_record_documents_session'),
        sa.UniqueConstraint('follow_up_id', name='uq_record_documents_follow_up'),
    )


def downgrade():
    op.drop_table('record_documents')
    op.drop_index(op.f('ix_session_record_signatures_session_id'),
                  table_name='session_record_signatures')
    op.drop_table('session_record_signatures')
