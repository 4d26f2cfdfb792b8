"""case_reviews: an archived case file scored against the review checklist (案件评查)

Revision ID: 84dc2b43c2e0
Revises: 3831bd23e1a1
Create Date: 2026-12-02 08:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '84dc2b43c2e0'
down_revision = '3831bd23e1a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('is_current', sa.Boolean(), nullable=False),
        sa.Column('institution_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_name', sa.String(length=100), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.Column('score', sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column('full_score', sa.Integer(), nullable=False),
        sa.Column('rate', sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column('grade', sa.String(length=16), nullable=False),
        sa.Column('grade_label', sa.String(length=16), nullable=False),
        sa.Column('marks', sa.JSON(), nullable=False),
        sa.CheckConstraint('version > 0', name=op.f('ck_case_reviews_version_positive')),
        sa.CheckConstraint('rate >= 0 AND rate <= 100', name=op.f('ck_case_reviews_rate_in_range')),
        sa.CheckConstraint('score >= 0 AND score <= full_score',
                           name=op.f('ck_case_reviews_score_in_range')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_reviews_case_id_cases')),
        sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'],
                                name=op.f('fk_case_reviews_institution_id_institutions')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'],
                                name=op.f('fk_case_reviews_reviewer_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reviews')),
        sa.UniqueConstraint('case_id', 'version', name='uq_case_reviews_case_version'),
    )
    op.create_index(op.f('ix_case_reviews_case_id'), 'case_reviews', ['case_id'], unique=False)
    op.create_index(op.f('ix_case_reviews_institution_id'), 'case_reviews', ['institution_id'],
                    unique=False)
    op.create_index(op.f('ix_case_reviews_reviewer_id'), 'case_reviews', ['reviewer_id'],
                    unique=False)
    op.create_index('ix_case_reviews_reviewed_at', 'case_reviews', ['reviewed_at'], unique=False)


def downgrade():
    op.drop_index('ix_case_reviews_reviewed_at', table_name='case_reviews')
    op.drop_index(op.f('ix_case_reviews_reviewer_id'), table_name='case_reviews')
    op.drop_index(op.f('ix_case_reviews_institution_id'), table_name='case_reviews')
    op.drop_index(op.f('ix_case_reviews_case_id'), table_name='case_reviews')
    op.drop_table('case_reviews')
