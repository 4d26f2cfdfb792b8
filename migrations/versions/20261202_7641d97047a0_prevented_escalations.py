"""prevented_escalations: what a concluded mediation prevented (民转刑, 群体性上访,
群体性械斗: cases and people)

Revision ID: 7641d97047a0
Revises: 1d1923de8326
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7641d97047a0'
down_revision = '1d1923de8326'
branch_labels = None
depends_on = None

KINDS = ('criminal', 'petition', 'fight')


def _checks():
    checks = []
    for kind in KINDS:
        cases, people = f'{kind}_cases', f'{kind}_people'
        checks += [
            sa.CheckConstraint(f'{cases} >= 0 AND {people} >= 0',
                               name=op.f(f'ck_prevented_escalations_{kind}_not_negative')),
            sa.CheckConstraint(f'({cases} = 0 AND {people} = 0) OR ({cases} > 0 AND '
                               f'{people} >= {cases})',
                               name=op.f(f'ck_prevented_escalations_{kind}_people_per_case')),
        ]
    return checks


def upgrade():
    op.create_table(
        'prevented_escalations',
        sa.Column('handling_id', sa.Integer(), autoincrement=False, nullable=False),
        *[sa.Column(f'{kind}_{part}', sa.Integer(), nullable=False)
          for kind in KINDS for part in ('cases', 'people')],
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        *_checks(),
        sa.ForeignKeyConstraint(['handling_id'], ['handlings.id'],
                                name=op.f('fk_prevented_escalations_handling_id_handlings')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_prevented_escalations_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('handling_id', name=op.f('pk_prevented_escalations')),
    )


def downgrade():
    op.drop_table('prevented_escalations')
