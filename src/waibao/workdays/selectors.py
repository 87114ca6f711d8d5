"""Reads of the working-day calendar, and the functions every deadline in the platform calls."""

from __future__ import annotations

import datetime
import threading

from django.db.models import Count, Max

from waibao.workdays.calendar import WorkCalendar, build_calendar
from waibao.workdays.models import CalendarYear, DayKind, SpecialDay

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], WorkCalendar] | None = None


def current_calendar() -> WorkCalendar:
    """The calendar of the confirmed years, rebuilt only when a year was loaded or edited since.

    One small query per call tells whether the process's copy is current, so an edit by the office reaches
    every worker process at once.
    """
    global _cached
    stamp = CalendarYear.objects.aggregate(n=Count("year", distinct=True), at=Max("loaded_at"), days=Count("days"))
    key = (stamp["n"], stamp["at"], stamp["days"])
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
