"""Reads of the working-day calendar, and the functions every deadline in the platform calls."""

from __future__ import annotations

import datetime
import functools
import threading

from django.db import connection
from django.db.models import Count

from waibao.common.plain_sql import column, table
from waibao.workdays.calendar import WorkCalendar, build_calendar
from waibao.workdays.models import CalendarYear, DayKind, SpecialDay

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], WorkCalendar] | None = None


@functools.cache
def _stamp_sql() -> str:
    """The years, the last load or edit and the special days: what changes whenever the calendar does."""
    year_key, loaded = column(CalendarYear, "pk"), column(CalendarYear, "loaded_at")
    owner = column(SpecialDay, "calendar_year")
    return (
        f"SELECT COUNT(DISTINCT y.{year_key}), MAX(y.{loaded}), COUNT(d.{column(SpecialDay, 'pk')}) "  # noqa: S608
        f"FROM {table(CalendarYear)} y LEFT JOIN {table(SpecialDay)} d ON d.{owner} = y.{year_key}"
    )


def current_calendar() -> WorkCalendar:
    """The calendar of the confirmed years, rebuilt only when a year was loaded or edited since.

    One small query per call tells whether the process's copy is current, so an edit by the office reaches
    every worker process at once (written once as SQL: every deadline on a page asks it).
    """
    global _cached
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        key = tuple(cursor.fetchone())
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        years = list(CalendarYear.objects.values_list("year", flat=True))
        holidays: list[datetime.date] = []
        workdays: list[datetime.date] = []
        for day, kind in SpecialDay.objects.values_list("date", "kind"):
            (workdays if kind == DayKind.WORKDAY else holidays).append(day)
        calendar = build_calendar(years, holidays, workdays)
        _cached = (key, calendar)
        return calendar


# The State Council announces a year's holidays and make-up days in late autumn; from October a deadline of a few
# weeks reaches the next year, so from then the office is told which year to load until it has.
REMIND_FROM_MONTH = 10


def year_to_load(calendar: WorkCalendar, today: datetime.date) -> int | None:
    """The year the office must load for deadlines to be counted: this year if it is missing, and from October the
    next one; None when both are there."""
    if today.year not in calendar.years:
        return today.year
    if today.month >= REMIND_FROM_MONTH and today.year + 1 not in calendar.years:
        return today.year + 1
    return None


def is_working_day(day: datetime.date | datetime.datetime) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: datetime.date | datetime.datetime, n: int) -> datetime.date:
    return current_calendar().add_working_days(start, n)


def working_days_between(start: datetime.date | datetime.datetime, end: datetime.date | datetime.datetime) -> int:
    return current_calendar().working_days_between(start, end)


def calendar_years() -> list[CalendarYear]:
    return list(CalendarYear.objects.annotate(n_days=Count("days")).select_related("confirmed_by").order_by("-year"))


def calendar_year_days(year: int) -> list[SpecialDay]:
    return list(SpecialDay.objects.filter(calendar_year_id=year).order_by("date"))
