"""parties.version, mediation_sessions.version, agreements.row_version: optimistic
concurrency for edits of a party, a session record and an agreement draft

Revision ID: c4d6e8f0a2b3
Revises: a1c3e5f7b9d2
Create Date: 2026-12-02 00:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d6e8f0a2b3'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None

COLUMNS = (("parties", "version"), ("mediation_sessions", "version"),
           ("agreements", "row_version"))


def upgrade():
    # a plain ADD COLUMN with a default: rebuilding these referenced tables (SQLite batch
    # mode) would trip the foreign keys of their rows
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Integer(), server_default='1',
                                       nullable=False))


def downgrade():
    for table, column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
