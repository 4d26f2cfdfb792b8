"""online applications, phone codes, remote signing, ratings, appointments, delivery

Revision ID: 5f1a9c2e7d14
Revises: a1c3e5f7b901
Create Date: 2026-12-01 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f1a9c2e7d14'
down_revision = 'a1c3e5f7b901'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('party_access_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_digest', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_access_failures'))
    )
    with op.batch_alter_table('party_access_failures', schema=None) as batch_op:
        batch_op.create_index('ix_party_access_failures_key', ['key_digest', 'at'], unique=False)

    op.create_table('phone_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone_digest', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=8), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.CheckConstraint("purpose IN ('apply', 'follow', 'sign')", name=op.f('ck_phone_codes_purpose')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_codes'))
    )
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.create_index('ix_phone_codes_lookup', ['phone_digest', 'purpose', 'target', 'created_at'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_appointments_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_appointments_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_case_starts', ['case_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_starts_at'), ['starts_at'], unique=False)

    op.create_table('online_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('chosen_by_party', sa.Boolean(), nullable=False),
    sa.Column('preferred_mediator_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('dispute_type', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('claims', sa.Text(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('applicant_name', sa.String(length=100), nullable=False),
    sa.Column('applicant_sex', sa.String(length=8), nullable=True),
    sa.Column('applicant_id_number', sa.String(length=18), nullable=False),
    sa.Column('applicant_phone', sa.String(length=32), nullable=False),
    sa.Column('applicant_address', sa.String(length=200), nullable=False),
    sa.Column('respondent_kind', sa.String(length=16), nullable=False),
    sa.Column('respondent_name', sa.String(length=100), nullable=False),
    sa.Column('respondent_id_number', sa.String(length=18), nullable=True),
    sa.Column('respondent_phone', sa.String(length=32), nullable=True),
    sa.Column('respondent_address', sa.String(length=200), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_ip', sa.String(length=45), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("dispute_type IN ('marriage_family', 'neighbour', 'housing_land', 'contract', 'business', 'damages', 'land_forest', 'demolition', 'environment', 'labour', 'medical', 'property', 'traffic', 'consumer', 'loan', 'other')", name=op.f('ck_online_applications_dispute_type')),
    sa.CheckConstraint("respondent_kind IN ('person', 'organisation')", name=op.f('ck_online_applications_respondent_kind')),
    sa.CheckConstraint("status != 'accepted' OR case_id IS NOT NULL", name=op.f('ck_online_applications_accepted_has_case')),
    sa.CheckConstraint("status != 'declined' OR decline_reason IS NOT NULL", name=op.f('ck_online_applications_declined_has_reason')),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined')", name=op.f('ck_online_applications_status')),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_online_applications_amount_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_online_applications_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_online_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_online_applications_institution_id_institutions')),
    sa.ForeignKeyConstraint(['preferred_mediator_id'], ['users.id'], name=op.f('fk_online_applications_preferred_mediator_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_online_applications_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_online_applications_number'))
    )
    with op.batch_alter_table('online_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_applications_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_online_applications_inbox', ['institution_id', 'status', 'submitted_at'], unique=False)

    op.create_table('application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_application_events_actor_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['online_applications.id'], name=op.f('fk_application_events_application_id_online_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_events'))
    )
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_events_application_id'), ['application_id'], unique=False)

    op.create_table('application_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=128), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_application_files_size_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['online_applications.id'], name=op.f('fk_application_files_application_id_online_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_application_files_storage_key'))
    )
    with op.batch_alter_table('application_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_files_application_id'), ['application_id'], unique=False)

    op.create_table('party_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('satisfaction BETWEEN 1 AND 5', name=op.f('ck_party_ratings_satisfaction_1_to_5')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_party_ratings_case_id_cases')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_party_ratings_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_ratings')),
    sa.UniqueConstraint('case_id', 'party_id', name='uq_party_ratings_case_party')
    )
    with op.batch_alter_table('party_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_ratings_case_id'), ['case_id'], unique=False)

    op.create_table('signing_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_signing_links_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_signing_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_signing_links_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signing_links_token_hash'))
    )
    with op.batch_alter_table('signing_links', schema=None) as batch_op:
        batch_op.create_index('ix_signing_links_agreement_party', ['agreement_id', 'party_id'], unique=False)

    op.create_table('document_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=False),
    sa.Column('first_downloaded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_deliveries_document_id_documents')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_document_deliveries_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_deliveries')),
    sa.UniqueConstraint('document_id', 'party_id', name='uq_document_deliveries_document_party')
    )
    with op.batch_alter_table('document_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_deliveries_document_id'), ['document_id'], unique=False)

    op.create_table('party_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('signing_link_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(case_id IS NULL) <> (application_id IS NULL)', name=op.f('ck_party_grants_one_target')),
    sa.ForeignKeyConstraint(['application_id'], ['online_applications.id'], name=op.f('fk_party_grants_application_id_online_applications')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_party_grants_case_id_cases')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_party_grants_party_id_parties')),
    sa.ForeignKeyConstraint(['signing_link_id'], ['signing_links.id'], name=op.f('fk_party_grants_signing_link_id_signing_links')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_grants')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_party_grants_token_hash'))
    )
    with op.batch_alter_table('party_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_grants_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('party_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_grants_case_id'))

    op.drop_table('party_grants')
    with op.batch_alter_table('document_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_deliveries_document_id'))

    op.drop_table('document_deliveries')
    with op.batch_alter_table('signing_links', schema=None) as batch_op:
        batch_op.drop_index('ix_signing_links_agreement_party')

    op.drop_table('signing_links')
    with op.batch_alter_table('party_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_ratings_case_id'))

    op.drop_table('party_ratings')
    with op.batch_alter_table('application_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_files_application_id'))

    op.drop_table('application_files')
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_events_application_id'))

    op.drop_table('application_events')
    with op.batch_alter_table('online_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_online_applications_inbox')
        batch_op.drop_index(batch_op.f('ix_online_applications_case_id'))

    op.drop_table('online_applications')
    op.drop_table('appointments')
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_phone_codes_lookup')

    op.drop_table('phone_codes')
    with op.batch_alter_table('party_access_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_party_access_failures_key')

    op.drop_table('party_access_failures')
