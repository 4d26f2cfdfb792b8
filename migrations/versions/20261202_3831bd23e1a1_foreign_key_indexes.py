"""indexes on the foreign keys that lead from a case's records to its handlings and
referrals: a case's notifications, its agreements by handling, the referrals a handling
sent, the mediator of each handling (以案定补 credits it), supervision orders, outcome
reports and mediation periods are found without scanning their tables

Revision ID: 3831bd23e1a1
Revises: dc399a915803
Create Date: 2026-12-02 08:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3831bd23e1a1'
down_revision = 'dc399a915803'
branch_labels = None
depends_on = None

INDEXES = [
    ("notifications", "case_id"),
    ("handlings", "mediator_id"),
    ("referrals", "from_handling_id"),
    ("agreements", "handling_id"),
    ("supervision_orders", "handling_id"),
    ("outcome_reports", "returned_handling_id"),
    ("mediation_periods", "referral_id"),
]


def upgrade():
    for table, column in INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade():
    for table, column in reversed(INDEXES):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
