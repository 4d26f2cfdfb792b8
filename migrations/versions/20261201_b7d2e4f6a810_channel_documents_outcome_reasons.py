"""channel documents, oral agreements, typed outcome reasons, 六位一体 institution kinds

Revision ID: b7d2e4f6a810
Revises: 8c4e2a6b1d37
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a810'
down_revision = '8c4e2a6b1d37'
branch_labels = None
depends_on = None

OLD_KINDS = ('peoples_committee', 'professional_committee', 'police', 'traffic_police',
             'labour_bureau', 'admin_other', 'court', 'procuratorate', 'petition_office',
             'governance_centre', 'committee')
NEW_KINDS = OLD_KINDS + ('arbitration', 'trade_union', 'womens_federation', 'lawyer_mediation')
OLD_DOCUMENTS = ('agreement', 'failure_notice', 'confirmation_application')
NEW_DOCUMENTS = ('application', 'acceptance_register', 'rights_notice', 'session_record',
                 'agreement', 'oral_agreement', 'failure_notice', 'follow_up_record',
                 'confirmation_application', 'ruling')


def _in(column, allowed):
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in allowed))


def _recheck(table, name, column, allowed):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _in(column, allowed))


def upgrade():
    with op.batch_alter_table('handlings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('outcome_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('facts', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.create_index(batch_op.f('ix_handlings_outcome_reason'), ['outcome_reason'],
                              unique=False)
    with op.batch_alter_table('handlings', schema=None) as batch_op:
        batch_op.alter_column('facts', server_default=None)

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form', sa.String(length=8), nullable=False,
                                      server_default='written'))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.create_check_constraint(op.f('ck_agreements_form'), "form IN ('written', 'oral')")
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.alter_column('details', server_default=None)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('dated_on', sa.Date(), nullable=True))
    _recheck('documents', 'kind', 'kind', NEW_DOCUMENTS)
    _recheck('institutions', 'kind', 'kind', NEW_KINDS)


def downgrade():
    _recheck('institutions', 'kind', 'kind', OLD_KINDS)
    _recheck('documents', 'kind', 'kind', OLD_DOCUMENTS)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('dated_on')
        batch_op.drop_column('number')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agreements_form'), type_='check')
        batch_op.drop_column('details')
        batch_op.drop_column('form')
    with op.batch_alter_table('handlings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handlings_outcome_reason'))
        batch_op.drop_column('facts')
        batch_op.drop_column('outcome_note')
        batch_op.drop_column('outcome_reason')
