"""traffic referral kinds: 交警 ⇄ 道路交通事故人民调解委员会

Revision ID: c6ba919f7d0a
Revises: 5e1f2a3b4c6d
Create Date: 2026-12-02 11:00:00

"""
from alembic import op


revision = 'c6ba919f7d0a'
down_revision = '5e1f2a3b4c6d'
branch_labels = None
depends_on = None

OLD_KINDS = ('delegate', 'entrust', 'judicial_confirmation', 'police_mediation',
             'petition_mediation', 'procuratorate_mediation', 'dispatch', 'escalate',
             'return_to_court')
NEW_KINDS = OLD_KINDS + ('traffic_peoples_mediation', 'traffic_police_mediation')


def _recheck(allowed):
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_referrals_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_referrals_kind'),
            "kind IN ({})".format(", ".join(f"'{kind}'" for kind in allowed)))


def upgrade():
    _recheck(NEW_KINDS)


def downgrade():
    """Refused by the database while referrals of the new kinds exist."""
    _recheck(OLD_KINDS)
