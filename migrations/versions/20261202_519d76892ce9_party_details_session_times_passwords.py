"""parties: ethnicity, birth date, occupation, employer (当事人基本情况);
mediation_sessions: start and end time and the recorder (记录人);
users: when the password was last changed, whether a change is due, recent password hashes

Revision ID: 519d76892ce9
Revises: c4d6e8f0a2b3
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '519d76892ce9'
down_revision = 'c4d6e8f0a2b3'
branch_labels = None
depends_on = None

# plain ADD COLUMNs on parties and users: rebuilding these referenced tables (SQLite batch
# mode) would trip the foreign keys of their rows; no table refers to mediation_sessions,
# so it is rebuilt in batch mode to take its foreign key and check constraint on SQLite too
COLUMNS = (
    ("parties", sa.Column("ethnicity", sa.String(16), nullable=True)),
    ("parties", sa.Column("birth_date", sa.Date(), nullable=True)),
    ("parties", sa.Column("occupation", sa.String(100), nullable=True)),
    ("parties", sa.Column("employer", sa.String(200), nullable=True)),
    ("users", sa.Column("password_changed_at", sa.DateTime(), nullable=True)),
    ("users", sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(),
                        nullable=False)),
    ("users", sa.Column("password_history", sa.JSON(), nullable=True)),
)


def upgrade():
    for table, column in COLUMNS:
        op.add_column(table, column)
    with op.batch_alter_table("mediation_sessions") as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("end_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("recorder_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_mediation_sessions_recorder_id_users"), "users",
                                    ["recorder_id"], ["id"])
        batch_op.create_check_constraint(
            op.f("ck_mediation_sessions_ends_after_start"),
            "start_time IS NULL OR end_time IS NULL OR end_time > start_time")


def downgrade():
    with op.batch_alter_table("mediation_sessions") as batch_op:
        batch_op.drop_constraint(op.f("ck_mediation_sessions_ends_after_start"), type_="check")
        batch_op.drop_constraint(op.f("fk_mediation_sessions_recorder_id_users"),
                                 type_="foreignkey")
        batch_op.drop_column("recorder_id")
        batch_op.drop_column("end_time")
        batch_op.drop_column("start_time")
    for table, column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
