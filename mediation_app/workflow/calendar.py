"""Deadlines in calendar or working days. Working days follow the State Council's
holiday and adjusted-workday schedule as published in `chinese_calendar`; for a year
the schedule does not cover yet, Monday to Friday count as working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from .definition import Deadline

CHINA = ZoneInfo("Asia/Shanghai")


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The same time of day on the `days`-th working day after `start` (naive UTC); days
    are counted on the calendar in China, where the work happens."""
    local = start.replace(tzinfo=UTC).astimezone(CHINA)
    remaining = days
    while remaining:
        local += timedelta(days=1)
        if is_working_day(local.date()):
            remaining -= 1
    return local.astimezone(UTC).replace(tzinfo=None)


def due_at(start: datetime, deadline: Deadline) -> datetime:
    if deadline.unit == "working":
        return add_working_days(start, deadline.days)
    return start + timedelta(days=deadline.days)
