"""cases.archived_at and case_archives: a closed case filed away (归档) as its case file

Revision ID: 1d1923de8326
Revises: 318098647834
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1d1923de8326'
down_revision = '318098647834'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN: rebuilding `cases` (SQLite batch mode) would trip its rows' keys
    op.add_column('cases', sa.Column('archived_at', sa.DateTime(), nullable=True))
    op.create_table(
        'case_archives',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('archived_by_id', sa.Integer(), nullable=False),
        sa.Column('archived_at', sa.DateTime(), nullable=False),
        sa.Column('checker_name', sa.String(length=100), nullable=False),
        sa.Column('retention', sa.String(length=16), nullable=False),
        sa.Column('storage_key', sa.String(length=128), nullable=False),
        sa.Column('masked_storage_key', sa.String(length=128), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('page_count', sa.Integer(), nullable=False),
        sa.Column('contents', sa.JSON(), nullable=False),
        sa.CheckConstraint("retention IN ('permanent', 'long_term', 'short_term')",
                           name=op.f('ck_case_archives_retention')),
        sa.CheckConstraint('page_count > 0', name=op.f('ck_case_archives_page_count_positive')),
        sa.ForeignKeyConstraint(['archived_by_id'], ['users.id'],
                                name=op.f('fk_case_archives_archived_by_id_users')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_archives_case_id_cases')),
        sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'],
                                name=op.f('fk_case_archives_institution_id_institutions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_archives')),
        sa.UniqueConstraint('case_id', name=op.f('uq_case_archives_case_id')),
        sa.UniqueConstraint('masked_storage_key', name=op.f('uq_case_archives_masked_storage_key')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_case_archives_storage_key')),
    )
    op.create_index(op.f('ix_case_archives_sha256'), 'case_archives', ['sha256'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_case_archives_sha256'), table_name='case_archives')
    op.drop_table('case_archives')
    op.execute("ALTER TABLE cases DROP COLUMN archived_at")
