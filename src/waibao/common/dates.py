"""Reading dates given by a person, a file or an API client: one format, and only plausible days.

Every date the platform accepts (forms, imports, the API) passes `parse_date` (the format: `2026-12-02`,
also with `/` or `.`) and `DateWindow.check` (the plausible range: 1990-01-01 to the end of the current
year plus the office's `dates_years_ahead`, a statistics parameter, by default next year). A date outside
is refused with a message, never clamped: a contract dated 9999-12-31 would otherwise stretch every
published period to the year 9999.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.common.errors import DomainError, UnprocessableError

EARLIEST = date(1990, 1, 1)
# The earliest founding date of an enterprise (older than the programme, but not older than this).
EARLIEST_FOUNDING = date(1900, 1, 1)
MAX_YEARS_AHEAD = 10
DEFAULT_YEARS_AHEAD = 1

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass(frozen=True)
class DateWindow:
    earliest: date
    latest: date

    def __contains__(self, day: date) -> bool:
        return self.earliest <= day <= self.latest

    def check(self, day: date, *, field: str | None = None) -> date:
        if day not in self:
            raise UnprocessableError(  # a 422 wherever it reaches a response (API or page)
                _("Dates from %(earliest)s to %(latest)s are accepted; %(value)s is outside.")
                % {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(), "value": day.isoformat()},
                field=field,
                code="date_range",
            )
        return day

    def widened(self, *, earliest: date | None = None, extra_years: int = 0) -> DateWindow:
        """The same window starting earlier or ending later (founding dates; contract end dates)."""
        return DateWindow(earliest or self.earliest, self.latest.replace(year=self.latest.year + extra_years))


def date_window(*, today: date | None = None, years_ahead: int | None = None) -> DateWindow:
    """1990-01-01 to 31 December of the current year plus the office's `dates_years_ahead`."""
    if years_ahead is None:
        from waibao.statistics.conf import parameters  # the office sets it beside the statistics cut-off

        years_ahead = parameters().dates_years_ahead
    today = today or timezone.localdate()
    return DateWindow(EARLIEST, date(today.year + years_ahead, 12, 31))


def founding_window() -> DateWindow:
    """Founding dates of enterprises: from 1900 (older than the programme) to the end of the window."""
    return date_window().widened(earliest=EARLIEST_FOUNDING)


def parse_date(raw: Any, *, field: str | None = None) -> date | None:
    """A date in the one accepted format, or None for an empty value; anything else refused."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = _DATE.match(str(raw).strip())
    try:
        if match is None:
            raise ValueError
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise DomainError(
            _("Not a date (use YYYY-MM-DD): %(value)s") % {"value": raw}, field=field, code="date"
        ) from None


def clean_date(raw: Any, *, field: str | None = None, window: DateWindow | None = None) -> date | None:
    """`parse_date`, then the plausible window (the office's, unless one is given)."""
    day = parse_date(raw, field=field)
    if day is None:
        return None
    return (window or date_window()).check(day, field=field)
