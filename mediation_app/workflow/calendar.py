"""Deadlines in calendar or working days. Working days follow the State Council's
holiday and adjusted-workday schedule as published in `chinese_calendar`; for a year
the schedule does not cover yet, Monday to Friday count as working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
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


def china_date(moment: datetime) -> date:
    """The calendar day in China of a naive UTC time."""
    return moment.replace(tzinfo=UTC).astimezone(CHINA).date()


def china_days_between(earlier: datetime, later: datetime) -> int:
    """Whole calendar days in China from one naive UTC time to another (30 September
    23:00 Beijing to 1 October 01:00 Beijing is one day, not zero)."""
    return (china_date(later) - china_date(earlier)).days


def end_of_day(day: date) -> datetime:
    """The last second of a day in China, as naive UTC."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)
    return local.astimezone(UTC).replace(tzinfo=None)


def last_day(start: date, deadline: Deadline) -> date:
    """民事诉讼法 art. 85: the start day is not counted; a period whose last day is a
    holiday (or a weekend) ends on the first working day after it. Working days are
    working days already."""
    if deadline.unit == "working":
        day, remaining = start, deadline.days
        while remaining:
            day += timedelta(days=1)
            if is_working_day(day):
                remaining -= 1
        return day
    day = start + timedelta(days=deadline.days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def due_at(start: datetime, deadline: Deadline) -> datetime:
    """The end (23:59:59 in China) of the last day of a period that starts at `start`
    (naive UTC), whatever the time of day it started."""
    return end_of_day(last_day(china_date(start), deadline))
