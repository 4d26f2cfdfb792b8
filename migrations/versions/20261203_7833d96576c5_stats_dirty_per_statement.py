"""stats_dirty filled once per statement on PostgreSQL

The trigger that queues a case for the statistics roll-up when an audit event is
appended runs once per INSERT or COPY statement, from the rows it inserted (a transition
table), instead of once per row: a ledger import appends its events in one COPY.

Revision ID: 7833d96576c5
Revises: 7b1d3f5a9c2e
Create Date: 2026-12-03 13:20:00

"""
from alembic import op


revision = '7833d96576c5'
down_revision = '7b1d3f5a9c2e'
branch_labels = None
depends_on = None

PER_STATEMENT = [
    "CREATE OR REPLACE FUNCTION stats_dirty_on_event() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN INSERT INTO stats_dirty (case_id) SELECT case_id FROM inserted; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS stats_dirty_on_event ON case_events",
    "CREATE TRIGGER stats_dirty_on_event AFTER INSERT ON case_events "
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
    "EXECUTE FUNCTION stats_dirty_on_event()",
]
PER_ROW = [
    "CREATE OR REPLACE FUNCTION stats_dirty_on_event() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN INSERT INTO stats_dirty (case_id) VALUES (NEW.case_id); RETURN NULL; "
    "END $$",
    "DROP TRIGGER IF EXISTS stats_dirty_on_event ON case_events",
    "CREATE TRIGGER stats_dirty_on_event AFTER INSERT ON case_events "
    "FOR EACH ROW EXECUTE FUNCTION stats_dirty_on_event()",
]


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in PER_STATEMENT:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in PER_ROW:
            op.execute(statement)
