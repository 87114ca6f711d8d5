"""The working-day calendar: shipped years against chinese-calendar, unconfirmed years refused, an oracle."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import numpy as np
import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from waibao.workdays.calendar import CalendarYearMissingError, WorkCalendar, build_calendar

FOLDER = Path(settings.WAIBAO_DEFAULT_DATASET) / "calendar"

# Days where chinese-calendar is wrong and the shipped data follow the State Council's notice.
# 国办发明电〔2005〕35号: "12月31日(星期六)上班" — 2005-12-31 was a make-up working day for New Year 2006.
KNOWN_LIBRARY_ERRORS = {datetime.date(2005, 12, 31): True}


def shipped_calendar() -> WorkCalendar:
    years, holidays, workdays = [], [], []
    for path in sorted(FOLDER.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        years.append(doc["year"])
        holidays += [item["date"] for item in doc["holidays"]]
        workdays += [item["date"] for item in doc["workdays"] or []]
    return build_calendar(years, holidays, workdays)


def test_shipped_years_agree_with_chinese_calendar_on_every_day_both_cover() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    calendar = shipped_calendar()
    assert set(range(2004, 2027)) <= calendar.years
    compared = 0
    for year in sorted(calendar.years):
        day = datetime.date(year, 1, 1)
        while day.year == year:
            try:
                theirs = chinese_calendar.is_workday(day)
            except NotImplementedError:
                day += datetime.timedelta(days=1)
                continue
            expected = KNOWN_LIBRARY_ERRORS.get(day, theirs)
            assert calendar.is_working_day(day) == expected, day
            compared += 1
            day += datetime.timedelta(days=1)
    assert compared > 8000


def test_make_up_days_count_and_holidays_do_not() -> None:
    calendar = shipped_calendar()
    # 2026: Spring Festival 02-15…02-23 off; Saturday 02-14 and Saturday 02-28 worked.
    assert calendar.is_working_day(datetime.date(2026, 2, 14))
    assert not calendar.is_working_day(datetime.date(2026, 2, 17))
    assert calendar.add_working_days(datetime.date(2026, 2, 13), 1) == datetime.date(2026, 2, 14)
    assert calendar.add_working_days(datetime.date(2026, 2, 14), 1) == datetime.date(2026, 2, 24)
    assert calendar.add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 8)
    assert calendar.add_working_days(datetime.date(2026, 10, 8), -1) == datetime.date(2026, 9, 30)
    assert calendar.working_days_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 8)) == 1


def test_a_year_nobody_confirmed_is_refused_naming_it() -> None:
    calendar = shipped_calendar()
    assert 2027 not in calendar.years
    with pytest.raises(CalendarYearMissingError) as raised:
        calendar.add_working_days(datetime.date(2026, 12, 28), 5)
    assert raised.value.year == 2027
    assert "2027" in str(raised.value.message)
    with pytest.raises(CalendarYearMissingError):
        calendar.is_working_day(datetime.date(2027, 1, 4))
    with pytest.raises(CalendarYearMissingError):
        calendar.working_days_between(datetime.date(2026, 12, 1), datetime.date(2027, 1, 10))
    with pytest.raises(CalendarYearMissingError):
        calendar.add_working_days_many(np.array(["2026-12-30"], dtype="datetime64[D]"), 3)
    # A gap in the confirmed years is refused too, not skipped.
    gap = build_calendar([2024, 2026], [], [])
    with pytest.raises(CalendarYearMissingError) as raised:
        gap.add_working_days(datetime.date(2024, 12, 31), 5)
    assert raised.value.year == 2025


def test_dates_are_taken_in_shanghai_time() -> None:
    calendar = shipped_calendar()
    # 2026-01-04 17:00 UTC is Monday 2026-01-05 01:00 in Shanghai.
    moment = datetime.datetime(2026, 1, 4, 17, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(moment).date() == datetime.date(2026, 1, 5)
    assert calendar.add_working_days(moment, 1) == datetime.date(2026, 1, 6)
    with pytest.raises(ValueError):
        calendar.is_working_day(datetime.datetime(2026, 1, 5, 9, 0))


def _oracle_add(calendar: WorkCalendar, start: datetime.date, n: int) -> datetime.date:
    """Step one day at a time: the definition, independent of the bisect and searchsorted paths."""

    def working(d: datetime.date) -> bool:
        return d in calendar.workdays or (d.weekday() < 5 and d not in calendar.holidays)

    day, left, step = start, abs(n), 1 if n > 0 else -1
    while left:
        day += datetime.timedelta(days=step)
        if working(day):
            left -= 1
    return day


def test_scalar_and_vectorised_paths_agree_with_stepping_one_day_at_a_time() -> None:
    calendar = shipped_calendar()
    rng = random.Random(2007)
    lo, hi = datetime.date(2004, 3, 1).toordinal(), datetime.date(2026, 9, 30).toordinal()
    starts = [datetime.date.fromordinal(rng.randint(lo, hi)) for _ in range(3000)]
    steps = [rng.choice([0, 1, 2, 5, 10, 20, 45, -1, -5, -20]) for _ in starts]
    expected = [s if n == 0 else _oracle_add(calendar, s, n) for s, n in zip(starts, steps, strict=True)]
    assert [calendar.add_working_days(s, n) for s, n in zip(starts, steps, strict=True)] == expected
    many = calendar.add_working_days_many(np.array(starts, dtype="datetime64[D]"), np.array(steps))
    assert [d.item() for d in many] == expected
    for s, n, e in zip(starts, steps, expected, strict=True):
        if n > 0:
            assert calendar.working_days_between(s, e) == n
