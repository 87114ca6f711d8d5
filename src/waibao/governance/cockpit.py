"""The leaders' cockpit (驾驶舱): the programme on one page, each figure from the area that owns it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.governance.models import DutyStatus
from waibao.governance.selectors import DutyLine, duty_lines, duty_matrix


@dataclass
class StageRow:
    status: str
    label: str
    count: int
    oldest_days: int | None


@dataclass
class Cockpit:
    today: datetime.date
    goal: Any
    fund_year: int | None
    fund: Any
    stages: list[StageRow] = field(default_factory=list)
    duty_rows: list[DutyLine] = field(default_factory=list)
    duty_matrix: list[Any] = field(default_factory=list)
    duty_totals: dict[str, int] = field(default_factory=dict)
    indicators: list[tuple[Any, Any]] = field(default_factory=list)
    meetings: Any = None


def application_stages(now: datetime.datetime) -> list[StageRow]:
    """Open applications per stage with the age of the oldest, in one query."""
    from waibao.applications.models import Application, ApplicationStatus

    open_states = [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.RETURNED,
        ApplicationStatus.RECOMMENDED,
        ApplicationStatus.IN_NOTICE,
        ApplicationStatus.ON_HOLD,
        ApplicationStatus.COMMITTED,
    ]
    found = {
        status: (n, oldest)
        for status, n, oldest in Application.objects.filter(status__in=open_states)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"), oldest=Min("status_changed_at"))
    }
    rows = []
    for status in open_states:
        n, oldest = found.get(status, (0, None))
        rows.append(
            StageRow(
                status=status.value,
                label=str(status.label),
                count=n,
                oldest_days=(now - oldest).days if oldest else None,
            )
        )
    return rows


def cockpit(*, today: datetime.date | None = None) -> Cockpit:
    from waibao.common import public_cache
    from waibao.governance.indicators import INDICATORS
    from waibao.governance.meetings_selectors import meeting_summary
    from waibao.ledger.selectors import budget_years, fund_overview
    from waibao.statistics.selectors import goal_progress
    from waibao.workdays.selectors import current_calendar

    today = today or timezone.localdate()
    calendar = current_calendar()
    years = budget_years()
    fund_year = max((y for y in years if y <= today.year), default=years[-1] if years else None)
    rows = duty_lines(today=today, calendar=calendar)  # derived once: the matrix and the open decisions use them
    matrix, totals = duty_matrix(rows)
    indicators = [(ind, ind.compute(today, calendar)) for ind in INDICATORS.values()]
    goal = public_cache.cached(  # as the goal page: approved figures and parameters, cached until either changes
        "statistics-goal",
        areas=(public_cache.STATISTICS,),
        params=today.year,
        compute=lambda: goal_progress(today=today),
    )
    return Cockpit(
        today=today,
        goal=goal,
        fund_year=fund_year,
        fund=fund_overview(year=fund_year, sources_only=True) if fund_year is not None else None,
        stages=application_stages(timezone.now()),
        duty_rows=rows,
        duty_matrix=matrix,
        duty_totals=totals,
        indicators=indicators,
        meetings=meeting_summary(today=today, rows=rows),
    )


def chart_data(data: Cockpit) -> dict[str, Any]:
    """What the cockpit's ECharts draw (strings for money, so nothing is lost to floats on the way)."""

    def s(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    sources = data.fund.sources if data.fund else []
    return {
        "goal": {
            "years": [str(y.year) for y in data.goal.years],
            "required": [s(y.required) for y in data.goal.years],
            "actual": [s(y.actual) for y in data.goal.years],
            "names": [str(_("Required path")), str(_("Actual"))],
        },
        "fund": {
            "labels": [src.name for src, _t in sources],
            "budgeted": [s(t.budgeted) for _src, t in sources],
            "committed": [s(t.committed) for _src, t in sources],
            "paid": [s(t.paid) for _src, t in sources],
            "names": [str(_("Budget")), str(_("Committed")), str(_("Paid"))],
        },
        "stages": {"labels": [r.label for r in data.stages], "counts": [r.count for r in data.stages]},
        "duties": {
            "labels": [m.name for m in data.duty_matrix],
            "on_time": [m.total - m.counts[DutyStatus.OVERDUE] for m in data.duty_matrix],
            "overdue": [m.counts[DutyStatus.OVERDUE] for m in data.duty_matrix],
            "names": [str(_("On time")), str(DutyStatus.OVERDUE.label)],
        },
    }
