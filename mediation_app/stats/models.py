"""What the statistics keep beside the cases: the deadline history, and the rollups.

`deadline_changes` records every deadline a handling was given, so that `overdue` at the
end of a past period is judged on the deadline in force then, not today's.

The rollups (rebuilt from the cases by `flask stats rebuild`, kept up to date from the
audit trail by stats.maintenance):
- `stats_handling_facts`: one row per mediation handling, with the case's dimensions
  and the days (China calendar) it was accepted and concluded;
- `stats_daily`: the additive figures per day × institution × region × channel ×
  dispute type;
- `stats_monthly`: the same sums per month (its first day): always the sum of the month's
  `stats_daily` rows, written by the same statements in the same transaction, so that a
  span of whole months (the 12-month trend) reads a row per month, not per day;
- `stats_overdue`: the stretches of time during which a handling was past its deadline;
- `stats_dirty`: the cases changed since they were last rolled up (filled by a trigger on
  `case_events`: every change to a case appends an event in the same transaction)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import DDL, ForeignKey, Index, Numeric, String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db


class HandlingFact(db.Model):
    __tablename__ = "stats_handling_facts"
    __table_args__ = (
        Index("ix_stats_handling_facts_repeat", "concluded_day",
              sqlite_where=text("is_repeat"), postgresql_where=text("is_repeat")),
        # the durations of a period read the handlings concluded in it
        Index("ix_stats_handling_facts_concluded", "concluded_day", "region_id"),
    )

    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), primary_key=True,
                                             autoincrement=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    institution_id: Mapped[int]
    region_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    dispute_type: Mapped[str] = mapped_column(String(32))
    accepted_day: Mapped[date | None]
    concluded_day: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    parties: Mapped[int] = mapped_column(default=0)
    agreement_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # the first later case of the same type sharing a party, filed within the durable months
    recurred_at: Mapped[datetime | None]
    # the case reached more than one conclusion (success or failure): its people are
    # counted once per period from these rows, not from stats_daily
    is_repeat: Mapped[bool] = mapped_column(default=False)


class _FigureSums:
    """The keys and sums a day's or a month's figures share (the month's are its days')."""

    institution_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    region_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    dispute_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    received: Mapped[int] = mapped_column(default=0)
    success: Mapped[int] = mapped_column(default=0)
    failure: Mapped[int] = mapped_column(default=0)
    withdrawn: Mapped[int] = mapped_column(default=0)
    transferred: Mapped[int] = mapped_column(default=0)
    parties: Mapped[int] = mapped_column(default=0)
    agreement_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    durable_success: Mapped[int] = mapped_column(default=0)


class DailyFigures(_FigureSums, db.Model):
    __tablename__ = "stats_daily"

    day: Mapped[date] = mapped_column(primary_key=True)


class MonthlyFigures(_FigureSums, db.Model):
    """`stats_daily` summed per month: `month` is the month's first day."""

    __tablename__ = "stats_monthly"

    month: Mapped[date] = mapped_column(primary_key=True)


class OverdueStretch(db.Model):
    """The handling was past its deadline at every instant t with
    overdue_from < t <= overdue_until (no end while it stays open and late). Read through
    the index on overdue_until: the stretches still running at a moment are few."""

    __tablename__ = "stats_overdue"
    __table_args__ = (Index("ix_stats_overdue_until_from", "overdue_until", "overdue_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handling_id: Mapped[int] = mapped_column(index=True)
    case_id: Mapped[int] = mapped_column(index=True)
    institution_id: Mapped[int]
    region_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    dispute_type: Mapped[str] = mapped_column(String(32))
    deadline_at: Mapped[datetime]
    overdue_from: Mapped[datetime] = mapped_column(index=True)
    overdue_until: Mapped[datetime | None]


class DirtyCase(db.Model):
    __tablename__ = "stats_dirty"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int]


class RollupState(db.Model):
    """One row: the durable months the rollups were computed for."""

    __tablename__ = "stats_rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    durable_months: Mapped[int]
    rebuilt_at: Mapped[datetime | None]


TRIGGER_SQL = {
    "sqlite": [
        "CREATE TRIGGER stats_dirty_on_event AFTER INSERT ON case_events "
        "BEGIN INSERT INTO stats_dirty (case_id) VALUES (NEW.case_id); END",
    ],
    # once per statement, from its inserted rows: a ledger import COPYs thousands of events
    # in one statement (migration 7833d96576c5)
    "postgresql": [
        "CREATE OR REPLACE FUNCTION stats_dirty_on_event() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN INSERT INTO stats_dirty (case_id) SELECT case_id FROM inserted; "
        "RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS stats_dirty_on_event ON case_events",
        "CREATE TRIGGER stats_dirty_on_event AFTER INSERT ON case_events "
        "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
        "EXECUTE FUNCTION stats_dirty_on_event()",
    ],
}
DROP_TRIGGER_SQL = {
    "sqlite": ["DROP TRIGGER IF EXISTS stats_dirty_on_event"],
    "postgresql": ["DROP TRIGGER IF EXISTS stats_dirty_on_event ON case_events",
                   "DROP FUNCTION IF EXISTS stats_dirty_on_event()"],
}

for _dialect, _statements in TRIGGER_SQL.items():
    for _statement in _statements:
        event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
