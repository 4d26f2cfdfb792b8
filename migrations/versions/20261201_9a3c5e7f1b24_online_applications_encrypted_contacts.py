"""online applications: ID numbers and phones encrypted at rest

Existing values are encrypted with the data key of the running configuration (DATA_KEY /
instance/data_key); downgrading decrypts them again.

Revision ID: 9a3c5e7f1b24
Revises: e5c7a9b1d3f5
Create Date: 2026-12-01 09:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9a3c5e7f1b24'
down_revision = 'e5c7a9b1d3f5'
branch_labels = None
depends_on = None

COLUMNS = {'applicant_id_number': 18, 'applicant_phone': 32, 'respondent_id_number': 18,
           'respondent_phone': 32}
APPLICATIONS = sa.table('online_applications', sa.column('id', sa.Integer),
                        *(sa.column(name, sa.String) for name in COLUMNS))


def _rewrite(convert) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(APPLICATIONS.c.id, *(APPLICATIONS.c[name]
                                                              for name in COLUMNS))).all()
    for row in rows:
        values = {name: convert(getattr(row, name)) for name in COLUMNS}
        connection.execute(sa.update(APPLICATIONS).where(APPLICATIONS.c.id == row.id)
                           .values(**values))


def upgrade():
    from mediation_app.personaldata import encrypt, is_encrypted

    with op.batch_alter_table('online_applications', schema=None) as batch_op:
        for name, length in COLUMNS.items():
            batch_op.alter_column(name, type_=sa.String(length=255),
                                  existing_type=sa.String(length=length))
    _rewrite(lambda value: value if value is None or is_encrypted(value) else encrypt(value))


def downgrade():
    from mediation_app.personaldata import decrypt

    _rewrite(lambda value: None if value is None else decrypt(value))
    with op.batch_alter_table('online_applications', schema=None) as batch_op:
        for name, length in COLUMNS.items():
            batch_op.alter_column(name, type_=sa.String(length=length),
                                  existing_type=sa.String(length=255))
