"""Working days follow the State Council's holiday schedule as chinese_calendar publishes it
(2026: National Day 1–7 October; Saturday 10 October and Sunday 20 September are adjusted
working days); a year it does not cover falls back to Monday–Friday."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from mediation_app.workflow.calendar import (
    add_working_days,
    china_days_between,
    due_at,
    is_working_day,
)
from mediation_app.workflow.definition import Deadline


def test_the_examples_below_match_the_published_2026_schedule():
    assert chinese_calendar.is_workday(date(2026, 9, 30))  # Wednesday
    assert not any(chinese_calendar.is_workday(date(2026, 10, day)) for day in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 8))  # Thursday
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # adjusted Saturday
    assert not chinese_calendar.is_workday(date(2026, 10, 11))  # Sunday
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # adjusted Sunday
    assert chinese_calendar.is_workday(date(2026, 2, 14))  # adjusted Saturday, Spring Festival
    assert not chinese_calendar.is_workday(date(2026, 2, 23))  # Monday, Spring Festival


@pytest.mark.parametrize("day", [date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 7)],
                         ids=str)
def test_a_national_day_holiday_on_a_weekday_is_not_a_working_day(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 10, 10), date(2026, 9, 20), date(2026, 2, 14)],
                         ids=str)
def test_an_adjusted_weekend_working_day_is_a_working_day(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_an_ordinary_weekend_day_is_not_a_working_day():
    assert not is_working_day(date(2026, 10, 11))


def test_one_working_day_after_the_eve_of_national_day_is_the_first_day_after_the_holiday():
    assert add_working_days(datetime(2026, 9, 30, 9, 30), 1) == datetime(2026, 10, 8, 9, 30)


def test_an_adjusted_working_saturday_counts_as_a_working_day():
    # 02:00 UTC is 10:00 in Beijing, where the days are counted
    assert add_working_days(datetime(2026, 10, 9, 2, 0), 1) == datetime(2026, 10, 10, 2, 0)


def test_three_working_days_after_the_eve_of_national_day_end_on_the_adjusted_saturday():
    assert add_working_days(datetime(2026, 9, 30, 9, 0), 3) == datetime(2026, 10, 10, 9, 0)


def test_an_ordinary_sunday_after_an_adjusted_saturday_is_skipped():
    assert add_working_days(datetime(2026, 10, 9, 9, 0), 2) == datetime(2026, 10, 12, 9, 0)


def test_working_days_skip_the_whole_spring_festival_holiday():
    # Sat 14 Feb works; 15 Feb – 23 Feb are the weekend and the holiday.
    assert add_working_days(datetime(2026, 2, 13, 10, 0), 2) == datetime(2026, 2, 24, 10, 0)


def test_the_start_day_itself_is_never_counted():
    assert add_working_days(datetime(2026, 10, 8, 9, 0), 1) == datetime(2026, 10, 9, 9, 0)


def test_zero_working_days_is_the_start_itself():
    start = datetime(2026, 10, 3, 12, 0)

    assert add_working_days(start, 0) == start


def test_a_calendar_deadline_ends_at_the_end_of_its_last_day_not_at_the_starting_hour():
    """民事诉讼法 art. 85: the start day is not counted; the period ends with its last day
    (23:59:59 in Beijing, 15:59:59 UTC), whatever the hour it started."""
    # 09:30 UTC on 30 Sep is 17:30 in Beijing; day 15 is Thu 15 Oct, a working day.
    assert due_at(datetime(2026, 9, 30, 9, 30), Deadline(15)) == datetime(2026, 10, 15, 15, 59, 59)


def test_a_calendar_deadline_ending_on_a_holiday_runs_to_the_next_working_day():
    """民事诉讼法 art. 85: a period whose last day is a holiday ends on the first day after
    the holiday (1 Oct 2026 falls in National Day, which ends on 7 Oct)."""
    assert due_at(datetime(2026, 9, 30, 1, 0), Deadline(1, "calendar")) == datetime(
        2026, 10, 8, 15, 59, 59)


def test_a_calendar_deadline_ending_on_a_sunday_runs_to_monday():
    """民事诉讼法 art. 85: weekends count as rest days like holidays."""
    # Sun 11 Oct 2026 -> Mon 12 Oct
    assert due_at(datetime(2026, 10, 4, 2, 0), Deadline(7)) == datetime(2026, 10, 12, 15, 59, 59)


def test_a_working_day_deadline_counts_working_days_and_ends_at_the_end_of_the_day():
    assert due_at(datetime(2026, 9, 30, 9, 30), Deadline(3, "working")) == datetime(
        2026, 10, 10, 15, 59, 59)


def test_an_extension_is_counted_from_the_end_of_the_period_it_extends():
    """司法确认若干规定 art. 5: 15 days, extendable by 10 with the president's approval."""
    first = due_at(datetime(2026, 11, 2, 2, 0), Deadline(15))  # Tue 17 Nov
    assert due_at(first, Deadline(10, extends=True)) == datetime(2026, 11, 27, 15, 59, 59)


def test_the_30_day_window_is_counted_in_china_calendar_days():
    """人民调解法 art. 33: 30 days from the agreement taking effect, counted on the calendar
    in China: 23:30 UTC on 1 Dec is already 2 Dec in Beijing."""
    signed = datetime(2026, 11, 1, 23, 30)  # 2 Nov in Beijing
    assert china_days_between(signed, datetime(2026, 12, 2, 3, 0)) == 30
    assert china_days_between(signed, datetime(2026, 12, 2, 16, 30)) == 31


def test_the_examples_below_are_in_a_year_chinese_calendar_does_not_cover():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2030, 10, 1))


def test_in_a_year_without_holiday_data_monday_to_friday_are_working_days():
    monday = date(2030, 9, 30)
    week = [monday + timedelta(days=offset) for offset in range(7)]  # to Sunday 6 October

    assert [is_working_day(day) for day in week] == [True] * 5 + [False] * 2


def test_in_a_year_without_holiday_data_national_day_is_an_ordinary_working_day():
    assert add_working_days(datetime(2030, 9, 30, 9, 0), 1) == datetime(2030, 10, 1, 9, 0)


def test_in_a_year_without_holiday_data_the_weekend_is_skipped():
    assert add_working_days(datetime(2030, 10, 4, 9, 0), 1) == datetime(2030, 10, 7, 9, 0)


def test_counting_runs_on_from_a_covered_year_into_an_uncovered_one():
    # Thu 31 Dec 2026 -> Fri 1 Jan 2027 (no data: a weekday) -> Mon 4 Jan 2027.
    assert add_working_days(datetime(2026, 12, 31, 9, 0), 2) == datetime(2027, 1, 4, 9, 0)


def test_a_working_day_deadline_from_a_naive_utc_time_counts_beijing_working_days():
    # 23:00 UTC on Tue 29 Sep is 07:00 on Wed 30 Sep in Beijing; one working day later is
    # Thu 8 Oct in Beijing (the holiday is skipped), ending at 23:59:59 Beijing time.
    assert due_at(datetime(2026, 9, 29, 23, 0), Deadline(1, "working")) == datetime(
        2026, 10, 8, 15, 59, 59)
