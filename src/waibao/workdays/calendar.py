"""Working days in China: the week Monday–Friday, less statutory holidays, plus make-up working days (调休).

Every deadline in the platform counts working days through this module. A `WorkCalendar` holds the confirmed
years only; a computation that reaches a year nobody has confirmed raises `CalendarYearMissingError` naming
the year to load, because a guessed year (no make-up days) would silently move deadlines.

Counting convention (the one 12345 hotlines and the Administrative Licensing Law use): the day of the event
is not counted. `add_working_days(d, n)` is the n-th working day after `d` (n > 0), the |n|-th working day
before `d` (n < 0), or `d` itself (n = 0). `working_days_between(a, b)` counts the working days in (a, b].
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waibao.common.errors import DomainError

EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


class CalendarYearMissingError(DomainError):
    """A computation reached a year whose holiday arrangement has not been loaded."""

    def __init__(self, year: int) -> None:
        super().__init__(
            _(
                "The working-day calendar for %(year)s has not been confirmed: the programme office must load "
                "that year's holidays and make-up working days (from the State Council's notice) first."
            )
            % {"year": year},
            code="calendar_year_missing",
        )
        self.year = year


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The date in the platform's time zone (Asia/Shanghai) of a date or an aware datetime."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise ValueError("naive datetime: the platform works with aware datetimes")
        return timezone.localtime(value).date()
    return value


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable calendar over a set of confirmed years."""

    years: frozenset[int]
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    _ordinals: list[int] = field(init=False, repr=False, compare=False)
    _days: np.ndarray = field(init=False, repr=False, compare=False)
    # What the calendar holds, the same in every process: a key for figures derived from it.
    fingerprint: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordinals: list[int] = []
        for year in sorted(self.years):
            day = datetime.date(year, 1, 1)
            end = datetime.date(year, 12, 31).toordinal()
            for o in range(day.toordinal(), end + 1):
                d = datetime.date.fromordinal(o)
                if d in self.workdays or (d.weekday() < 5 and d not in self.holidays):
                    ordinals.append(o)
        object.__setattr__(self, "_ordinals", ordinals)
        # Days since 1970-01-01, the unit of numpy's datetime64[D], for the vectorised path.
        object.__setattr__(self, "_days", np.asarray(ordinals, dtype=np.int64) - EPOCH_ORDINAL)
        content = repr((sorted(self.years), sorted(self.holidays), sorted(self.workdays)))
        object.__setattr__(self, "fingerprint", hashlib.sha256(content.encode()).hexdigest()[:16])

    # ----------------------------------------------------------------- checks

    def require_years(self, first: int, last: int) -> None:
        """Refuse unless every year from `first` to `last` (either order) is confirmed."""
        lo, hi = min(first, last), max(first, last)
        for year in range(lo, hi + 1):
            if year not in self.years:
                raise CalendarYearMissingError(year)

    def held_through(self, year: int) -> datetime.date:
        """The last day of the unbroken run of confirmed years from `year`: 31 December of the year before the first
        one missing after it (a count that reaches past it waits for that year)."""
        self.require_years(year, year)
        while year + 1 in self.years:
            year += 1
        return datetime.date(year, 12, 31)

    # ----------------------------------------------------------------- scalar API

    def is_working_day(self, day: datetime.date | datetime.datetime) -> bool:
        d = local_date(day)
        self.require_years(d.year, d.year)
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add_working_days(self, start: datetime.date | datetime.datetime, n: int) -> datetime.date:
        d = local_date(start)
        self.require_years(d.year, d.year)
        if n == 0:
            return d
        o = d.toordinal()
        # n > 0: count from the first working day after `d`; n < 0: from the last one before it.
        index = bisect.bisect_right(self._ordinals, o) + n - 1 if n > 0 else bisect.bisect_left(self._ordinals, o) + n
        if index < 0:
            raise CalendarYearMissingError(min(self.years) - 1)
        if index >= len(self._ordinals):
            raise CalendarYearMissingError(max(self.years) + 1)
        result = datetime.date.fromordinal(self._ordinals[index])
        self.require_years(d.year, result.year)
        return result

    def working_days_between(
        self, start: datetime.date | datetime.datetime, end: datetime.date | datetime.datetime
    ) -> int:
        """Working days in (start, end]; negative when `end` is before `start`."""
        a, b = local_date(start), local_date(end)
        self.require_years(a.year, b.year)
        if b < a:
            return -self.working_days_between(b, a)
        return bisect.bisect_right(self._ordinals, b.toordinal()) - bisect.bisect_right(self._ordinals, a.toordinal())

    # ----------------------------------------------------------------- vectorised API

    def add_working_days_many(self, starts: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """`add_working_days` over arrays: `starts` as datetime64[D], `n` an int array or one int."""
        days = np.asarray(starts, dtype="datetime64[D]").astype(np.int64)
        steps = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
        if days.size == 0:
            return days.astype("datetime64[D]")
        self.require_day_range(int(days.min()), int(days.max()))
        right = np.searchsorted(self._days, days, side="right") + steps - 1
        left = np.searchsorted(self._days, days, side="left") + steps
        index = np.where(steps > 0, right, left)
        if int(index.min()) < 0:
            raise CalendarYearMissingError(min(self.years) - 1)
        if int(index.max()) >= len(self._days):
            raise CalendarYearMissingError(max(self.years) + 1)
        result = np.where(steps == 0, days, self._days[np.clip(index, 0, len(self._days) - 1)])
        self.require_day_range(int(result.min()), int(result.max()))
        return result.astype("datetime64[D]")

    @property
    def working_days_array(self) -> np.ndarray:
        """The confirmed working days, sorted, as days since 1970-01-01 (numpy's datetime64[D] unit)."""
        return self._days

    def require_day_range(self, lo: int, hi: int) -> None:
        """Refuse unless every year from day `lo` to day `hi` (days since 1970-01-01) is confirmed."""
        first = datetime.date.fromordinal(lo + EPOCH_ORDINAL).year
        last = datetime.date.fromordinal(hi + EPOCH_ORDINAL).year
        self.require_years(first, last)


def build_calendar(
    years: Iterable[int], holidays: Iterable[datetime.date], workdays: Iterable[datetime.date]
) -> WorkCalendar:
    return WorkCalendar(years=frozenset(years), holidays=frozenset(holidays), workdays=frozenset(workdays))
