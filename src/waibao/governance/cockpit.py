"""The leaders' cockpit (驾驶舱): the programme on one page, each figure from the area that owns it."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waibao.common.plain_sql import column, moment_from_db, table
from waibao.governance.meetings_selectors import MEETINGS_AREA, MeetingSummary, ScheduledMeeting, scheduled_meetings
from waibao.governance.models import DutyStatus
from waibao.governance.selectors import DUTIES_AREA, DutyLine, MatrixRow, duty_lines, duty_matrix, open_decisions
from waibao.workdays.calendar import WorkCalendar


@dataclass
class StageRow:
    status: str
    label: str
    count: int
    oldest_days: int | None


def _open_states() -> tuple[Any, ...]:
    from waibao.applications.models import WAITING_STATUSES

    return WAITING_STATUSES


@functools.lru_cache(maxsize=8)
def _labels(language: str | None) -> dict[str, str]:
    """The cockpit's fixed labels in `language`: the open stages' and the charts' series names (translated once per
    language: a process's catalogues do not change)."""
    with translation.override(language):
        labels = {str(status.value): str(status.label) for status in _open_states()}
        labels.update(
            required=_("Required path"),
            actual=_("Actual"),
            budget=_("Budget"),
            committed=_("Committed"),
            paid=_("Paid"),
            on_time=_("On time"),
            overdue=str(DutyStatus.OVERDUE.label),
        )
        return labels


@functools.cache
def _stages_sql(n: int) -> str:
    """Per status among `n`: the applications and the oldest change of status (written once as SQL: the ORM's
    building of this query cost the cockpit more than reading it)."""
    from waibao.applications.models import Application

    status = column(Application, "status")
    return (
        f"SELECT {status}, COUNT(*), MIN({column(Application, 'status_changed_at')}) "  # noqa: S608 - names only
        f"FROM {table(Application)} WHERE {status} IN ({', '.join(['%s'] * n)}) GROUP BY {status}"
    )


def application_stages(now: datetime.datetime) -> list[StageRow]:
    """Open applications per stage with the age of the oldest, in one query."""
    open_states = [str(status.value) for status in _open_states()]
    with connection.cursor() as cursor:
        cursor.execute(_stages_sql(len(open_states)), open_states)
        found = {status: (n, moment_from_db(oldest)) for status, n, oldest in cursor.fetchall()}
    labels = _labels(translation.get_language())
    rows = []
    for status in open_states:
        n, oldest = found.get(status, (0, None))
        rows.append(StageRow(status, labels[status], n, (now - oldest).days if oldest else None))
    return rows


@dataclass
class Cockpit:
    today: datetime.date
    goal: Any
    fund_year: int | None
    fund: Any
    stages: list[StageRow] = field(default_factory=list)
    duty_matrix: list[Any] = field(default_factory=list)
    duty_totals: dict[str, int] = field(default_factory=dict)
    indicators: list[tuple[Any, Any]] = field(default_factory=list)
    meetings: Any = None
    calendar_year_to_load: int | None = None  # the working-day calendar's year the office has yet to load


@dataclass(frozen=True)
class Settled:
    """What the cockpit shows that changes only through services which mark their public-cache area changed: the
    goal, the indicators that name their areas, the duty matrix, the open decisions and the scheduled meetings.
    Kept in the cache as one entry (`SETTLED_AREAS`): a visit reads one entry, not one per figure."""

    goal: Any
    indicators: dict[str, Any]
    duty_matrix: list[MatrixRow]
    duty_totals: dict[str, int]
    open_decisions: list[DutyLine]
    scheduled: list[ScheduledMeeting]


@functools.cache
def _settled_areas() -> tuple[str, ...]:
    from waibao.common import public_cache
    from waibao.governance.indicators import INDICATORS

    areas = [public_cache.STATISTICS, DUTIES_AREA, MEETINGS_AREA]  # the goal, the duty lines, the meetings
    for indicator in INDICATORS.values():
        areas.extend(indicator.areas)
    return tuple(dict.fromkeys(areas))


def _settle(today: datetime.date, calendar: WorkCalendar) -> Settled:
    """Each part from its own cache entry where it has one (a change to one area recomputes only that part)."""
    from waibao.common import public_cache
    from waibao.governance.indicators import INDICATORS
    from waibao.statistics.selectors import goal_progress

    goal = public_cache.cached(  # as the goal page: approved figures and parameters, cached until either changes
        "statistics-goal",
        areas=(public_cache.STATISTICS,),
        params=today.year,
        compute=lambda: goal_progress(today=today),
    )
    rows = duty_lines(today=today, calendar=calendar)
    matrix, totals = duty_matrix(rows)
    return Settled(
        goal=goal,
        indicators={code: ind.compute(today, calendar) for code, ind in INDICATORS.items() if ind.areas},
        duty_matrix=matrix,
        duty_totals=totals,
        open_decisions=open_decisions(rows),
        scheduled=scheduled_meetings(),
    )


def settled(*, today: datetime.date, calendar: WorkCalendar) -> Settled:
    """The cockpit's settled figures for `today` and `calendar`, in the reader's language, from the cache."""
    from waibao.common import public_cache

    return public_cache.cached(
        "governance-cockpit:2",  # the entry's shape is in its name (its duty matrix holds `DutyDepartment`s)
        areas=_settled_areas(),
        params=(today.isoformat(), calendar.fingerprint),
        compute=lambda: _settle(today, calendar),
    )


def cockpit(*, today: datetime.date | None = None) -> Cockpit:
    """The cockpit's figures: the settled ones from the cache, the fund, the applications in each stage and the
    indicators without an area (the ledger's) read live."""
    from waibao.governance.indicators import INDICATORS
    from waibao.ledger.selectors import fund_by_source_of_budget_year
    from waibao.workdays.selectors import current_calendar, year_to_load

    today = today or timezone.localdate()
    calendar = current_calendar()
    figures = settled(today=today, calendar=calendar)
    fund = fund_by_source_of_budget_year(on_or_before=today.year)
    now = timezone.now()
    return Cockpit(
        today=today,
        goal=figures.goal,
        fund_year=fund.year if fund is not None else None,
        fund=fund,
        stages=application_stages(now),
        duty_matrix=figures.duty_matrix,
        duty_totals=figures.duty_totals,
        indicators=[
            (ind, figures.indicators[code] if ind.areas else ind.compute(today, calendar))
            for code, ind in INDICATORS.items()
        ],
        meetings=MeetingSummary(
            next_meeting=next((m for m in figures.scheduled if m.starts_at >= now), None),
            open_decisions=figures.open_decisions,
        ),
        calendar_year_to_load=year_to_load(calendar, today),
    )


_OVERDUE = str(DutyStatus.OVERDUE.value)  # the matrix's counts are keyed by plain strings


def chart_data(data: Cockpit) -> dict[str, Any]:
    """What the cockpit's ECharts draw (strings for money, so nothing is lost to floats on the way)."""

    def s(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    labels = _labels(translation.get_language())
    sources = data.fund.sources if data.fund else []
    return {
        "goal": {
            "years": [str(y.year) for y in data.goal.years],
            "required": [s(y.required) for y in data.goal.years],
            "actual": [s(y.actual) for y in data.goal.years],
            "names": [labels["required"], labels["actual"]],
        },
        "fund": {
            "labels": [src.name for src, _t in sources],
            "budgeted": [str(t.budgeted) for _src, t in sources],
            "committed": [str(t.committed) for _src, t in sources],
            "paid": [str(t.paid) for _src, t in sources],
            "names": [labels["budget"], labels["committed"], labels["paid"]],
        },
        "stages": {"labels": [r.label for r in data.stages], "counts": [r.count for r in data.stages]},
        "duties": {
            "labels": [m.name for m in data.duty_matrix],
            "on_time": [m.total - m.counts[_OVERDUE] for m in data.duty_matrix],
            "overdue": [m.counts[_OVERDUE] for m in data.duty_matrix],
            "names": [labels["on_time"], labels["overdue"]],
        },
    }
