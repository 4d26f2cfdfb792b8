"""parties: ID numbers and phones encrypted at rest, with keyed blind indexes

Existing values are encrypted with the data key of the running configuration (DATA_KEY /
instance/data_key) and indexed with DATA_INDEX_KEY; downgrading decrypts them again.

Revision ID: e5c7a9b1d3f5
Revises: b7d2e4f6a810
Create Date: 2026-12-01 09:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5c7a9b1d3f5'
down_revision = 'b7d2e4f6a810'
branch_labels = None
depends_on = None

PARTIES = sa.table('parties', sa.column('id', sa.Integer), sa.column('id_number', sa.String),
                   sa.column('phone', sa.String), sa.column('representative_phone', sa.String),
                   sa.column('id_number_index', sa.String), sa.column('phone_index', sa.String))


def _rewrite(convert, index) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(PARTIES.c.id, PARTIES.c.id_number, PARTIES.c.phone,
                                         PARTIES.c.representative_phone)).all()
    for party_id, id_number, phone, representative_phone in rows:
        values = {"id_number": convert(id_number), "phone": convert(phone),
                  "representative_phone": convert(representative_phone)}
        if index:
            values.update(id_number_index=index(id_number), phone_index=index(phone))
        connection.execute(sa.update(PARTIES).where(PARTIES.c.id == party_id).values(**values))


def upgrade():
    from mediation_app.personaldata import blind_index, encrypt, is_encrypted

    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parties_id_number'))
        batch_op.drop_index('ix_parties_name_phone')
        batch_op.alter_column('id_number', type_=sa.String(length=255),
                              existing_type=sa.String(length=18))
        batch_op.alter_column('phone', type_=sa.String(length=255),
                              existing_type=sa.String(length=32))
        batch_op.alter_column('representative_phone', type_=sa.String(length=255),
                              existing_type=sa.String(length=32))
        batch_op.add_column(sa.Column('id_number_index', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_index', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_parties_id_number_index'), ['id_number_index'],
                              unique=False)
        batch_op.create_index('ix_parties_name_phone', ['name', 'phone_index'], unique=False)
    _rewrite(lambda value: value if value is None or is_encrypted(value) else encrypt(value),
             blind_index)


def downgrade():
    from mediation_app.personaldata import decrypt

    _rewrite(lambda value: None if value is None else decrypt(value), None)
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index('ix_parties_name_phone')
        batch_op.drop_index(batch_op.f('ix_parties_id_number_index'))
        batch_op.drop_column('phone_index')
        batch_op.drop_column('id_number_index')
        batch_op.alter_column('representative_phone', type_=sa.String(length=32),
                              existing_type=sa.String(length=255))
        batch_op.alter_column('phone', type_=sa.String(length=32),
                              existing_type=sa.String(length=255))
        batch_op.alter_column('id_number', type_=sa.String(length=18),
                              existing_type=sa.String(length=255))
        batch_op.create_index('ix_parties_name_phone', ['name', 'phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_parties_id_number'), ['id_number'], unique=False)
