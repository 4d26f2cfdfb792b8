"""The figures of DESIGN.md §5 and how they combine. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
TWO_PLACES = Decimal("0.01")
CONTRACT_FIELDS = ("received", "concluded", "success", "failure", "withdrawn", "transferred",
                   "success_rate", "parties", "agreement_amount", "overdue")
GROUPINGS = ("channel", "institution", "region", "dispute_type", "month")


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, rounded half-up to two decimals; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    received: int = 0
    success: int = 0
    failure: int = 0
    withdrawn: int = 0
    transferred: int = 0
    parties: int = 0
    agreement_amount: Decimal = field(default_factory=lambda: Decimal("0.00"))
    overdue: int = 0
    durable_success: int = 0

    @property
    def concluded(self) -> int:
        return self.success + self.failure

    @property
    def success_rate(self) -> Decimal | None:
        return rate(self.success, self.concluded)

    @property
    def durable_success_rate(self) -> Decimal | None:
        return rate(self.durable_success, self.concluded)

    def add(self, other: Figures) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def contract(self) -> dict:
        """The fields of the `flask stats` JSON, in the order DESIGN.md §7 lists them."""
        values = {"received": self.received, "concluded": self.concluded,
                  "success": self.success, "failure": self.failure,
                  "withdrawn": self.withdrawn, "transferred": self.transferred,
                  "success_rate": self.success_rate, "parties": self.parties,
                  "agreement_amount": self.agreement_amount.quantize(TWO_PLACES),
                  "overdue": self.overdue}
        return {name: values[name] for name in CONTRACT_FIELDS}


@dataclass(frozen=True)
class Period:
    """Whole days [start, end] on the calendar in China."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @property
    def starts_at(self) -> datetime:
        return local_midnight_utc(self.start)

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period (exclusive), as naive UTC."""
        return local_midnight_utc(self.end + timedelta(days=1))

    def months(self) -> list[str]:
        months, cursor = [], self.start.replace(day=1)
        while cursor <= self.end:
            months.append(cursor.strftime("%Y-%m"))
            cursor = (cursor + timedelta(days=32)).replace(day=1)
        return months


def local_today(now: datetime | None = None) -> date:
    """Today on the calendar in China; `now` is a naive UTC instant (default: the clock)."""
    if now is None:
        return datetime.now(CHINA).date()
    return now.replace(tzinfo=UTC).astimezone(CHINA).date()


def local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, CHINA).astimezone(UTC).replace(tzinfo=None)


def month_period(month: str) -> Period:
    """'2026-10' → the whole of October 2026."""
    first = datetime.strptime(month, "%Y-%m").date()
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def shift_month(month: str, by: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + (number - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def this_month(today: date) -> Period:
    """The whole calendar month of `today` (first to last day)."""
    return month_period(today.strftime("%Y-%m"))


SHORTCUTS = ("this_month", "last_month", "this_quarter", "this_year")


def shortcut_periods(today: date) -> dict[str, Period]:
    """The statistics page's shortcuts, whole periods on the China calendar around `today`
    (a date in Beijing): 本月, 上月, 本季度, 本年."""
    month = today.strftime("%Y-%m")
    quarter_first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    quarter_last = month_period(shift_month(quarter_first.strftime("%Y-%m"), 2)).end
    return {"this_month": this_month(today),
            "last_month": month_period(shift_month(month, -1)),
            "this_quarter": Period(quarter_first, quarter_last),
            "this_year": Period(date(today.year, 1, 1), date(today.year, 12, 31))}


def overdue_measured_on(period: Period, now: datetime) -> date:
    """The day (China calendar) at whose end, or at `now` if earlier, `overdue` is judged:
    the period's last day, or today while the period is still running."""
    if now >= period.ends_at:
        return period.end
    return local_today(now)
