"""The statistics parameters and their rules: cut-off dates, software categories, the staffing period."""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from waibao.common.dataset import read_yaml
from waibao.common.errors import DomainError, UnprocessableError
from waibao.statistics.models import StatisticsParameters

# The earliest year a statistical figure can be asked for; the latest is next year.
FIRST_YEAR = 1990

# Used when neither the setting nor the data set names the software categories.
FALLBACK_SOFTWARE_CATEGORIES = ("ito-software-dev", "ito-software-tech")


def parameters() -> StatisticsParameters:
    """The one parameters row (created with its defaults on first use)."""
    params, _created = StatisticsParameters.objects.get_or_create(pk=1)
    return params


@lru_cache(maxsize=4)
def _software_from_dataset(folder: str) -> tuple[str, ...]:
    tree = read_yaml(Path(folder), "categories.yaml", required=False) or []
    found: list[str] = []

    def walk(nodes: list[dict[str, object]]) -> None:
        for node in nodes:
            if not isinstance(node, dict):
                continue
            if node.get("software") is True and node.get("code"):
                found.append(str(node["code"]))
            walk(node.get("children") or [])  # type: ignore[arg-type]

    walk(tree)
    return tuple(found)


def software_category_codes() -> tuple[str, ...]:
    """Categories whose offshore executed amount is "software export" (HZ-10/11/12).

    Setting `WAIBAO_STATS_SOFTWARE_CATEGORIES` wins; otherwise categories marked `software: true` in
    the data set's categories.yaml; otherwise the ITO software-development categories.
    """
    configured = getattr(settings, "WAIBAO_STATS_SOFTWARE_CATEGORIES", None)
    if configured:
        return tuple(configured)
    return _software_from_dataset(str(settings.WAIBAO_DEFAULT_DATASET)) or FALLBACK_SOFTWARE_CATEGORIES


def cutoff_date(year: int, params: StatisticsParameters | None = None) -> date:
    """The last day on which records for `year` may still be entered, submitted and approved."""
    params = params or parameters()
    month = params.cutoff_month
    day = min(params.cutoff_day, calendar.monthrange(year + 1, month)[1])
    return date(year + 1, month, day)


def today() -> date:
    return timezone.localdate()


def check_year_open(record_date: date, *, on: date | None = None, params: StatisticsParameters | None = None) -> None:
    """Refuse a record whose year is frozen (its cut-off has passed), saying which year and since when."""
    on = on or today()
    cutoff = cutoff_date(record_date.year, params)
    if on > cutoff:
        raise DomainError(
            _(
                "Statistics for %(year)d are closed: the cut-off was %(cutoff)s. Records for %(year)d can no "
                "longer be entered, submitted, approved or corrected."
            )
            % {"year": record_date.year, "cutoff": date_format(cutoff, "Y-m-d")},
            code="year_frozen",
        )


def year_is_open(year: int, *, on: date | None = None, params: StatisticsParameters | None = None) -> bool:
    return (on or today()) <= cutoff_date(year, params)


def period_for(day: date, months: int) -> tuple[date, date]:
    """The staffing period of `months` months that contains `day` (periods start in January)."""
    first_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, first_month, 1)
    last_month = first_month + months - 1
    end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def check_year_in_range(year: int, *, field: str = "year", on: date | None = None) -> None:
    """Refuse a year outside 1990 … next year (a query for year 0 or 9999 is an error, not a crash)."""
    last = (on or today()).year + 1
    if not FIRST_YEAR <= year <= last:
        raise UnprocessableError(
            _("Choose a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": last},
            code="year_out_of_range",
            field=field,
        )
