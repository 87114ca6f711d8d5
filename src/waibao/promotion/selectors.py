"""Reads of the pipeline: board columns, the list with time in stage and overdue actions, totals per stage,
and the foreign-investment assessment figures (利用外资考核) by department and zone for a year."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from waibao.common.errors import DomainError
from waibao.promotion.models import STAGE_ORDER, Project, ProjectType, Stage, StageChange
from waibao.promotion.rules import CountingRules, counting_rules
from waibao.promotion.workflow import ONE_CLICK, PROJECT_WORKFLOW
from waibao.workdays.calendar import WorkCalendar
from waibao.workdays.selectors import current_calendar


@dataclass(frozen=True)
class ProjectFilters:
    pipeline: str = ""
    department: str = ""
    zone: str = ""
    project_type: str = ""
    stage: str = ""
    overdue_only: bool = False


def projects(scope: Q, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Projects in `scope` (from `access.project_scope`), with when they entered their current stage."""
    filters = filters or ProjectFilters()
    entered = StageChange.objects.filter(project=OuterRef("pk")).order_by("-at", "-pk").values("on")[:1]
    qs = (
        Project.objects.filter(scope)
        .select_related("zone", "department", "responsible", "enterprise", "event")
        .annotate(stage_since=Subquery(entered))
        .order_by(F("next_action_due").asc(nulls_last=True), "-updated_at", "pk")
    )
    if filters.pipeline:
        qs = qs.filter(pipeline=filters.pipeline)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.zone:
        qs = qs.filter(zone__code=filters.zone)
    if filters.project_type:
        qs = qs.filter(project_type=filters.project_type)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.overdue_only:
        qs = qs.filter(next_action_due__lt=timezone.localdate()).exclude(stage__in=[Stage.OPERATING, Stage.LOST])
    return qs


@dataclass
class ProjectRow:
    project: Project
    days_in_stage: int | None  # None once the project is closed (operating or lost)
    overdue: bool
    working_days_left: int | None
    moves: list[Any]


def _working_days(calendar: WorkCalendar, start: datetime.date, end: datetime.date) -> int:
    try:
        return calendar.working_days_between(start, end)
    except DomainError:  # a year the calendar does not hold: count calendar days rather than fail the page
        return (end - start).days


def project_rows(qs: QuerySet[Project], *, role: str | None, today: datetime.date | None = None) -> list[ProjectRow]:
    today = today or timezone.localdate()
    calendar = current_calendar()
    rows = []
    for project in qs:
        since = getattr(project, "stage_since", None) or project.created_at.date()
        due = project.next_action_due
        closed = project.stage in (Stage.OPERATING, Stage.LOST)
        overdue = bool(due and due < today and not closed)
        left = None if due is None or closed else (_working_days(calendar, today, due) if due >= today else None)
        moves = [t for t in PROJECT_WORKFLOW.available(state=project.stage, role=role) if t.name in ONE_CLICK]
        days = None if closed else _working_days(calendar, since, today)
        rows.append(ProjectRow(project, days, overdue, left, moves))
    return rows


@dataclass
class StageTotal:
    stage: str
    count: int = 0
    by_currency: dict[str, Decimal] = field(default_factory=dict)
    overdue: int = 0
    weighted_usd: Decimal = Decimal(0)
    total_usd: Decimal = Decimal(0)
    unconverted: int = 0
    days_in_stage: int = 0  # summed over the open projects of the stage

    @property
    def currencies(self) -> list[tuple[str, Decimal]]:
        return sorted(self.by_currency.items())

    @property
    def average_days(self) -> int | None:
        """Average working days the stage's projects have spent in it so far (none for closed stages)."""
        if not self.count or self.stage in (Stage.OPERATING, Stage.LOST):
            return None
        return round(self.days_in_stage / self.count)


def counted_amount(project: Project, rules: CountingRules) -> Decimal:
    """The amount the assessment counts: a capital increase counts only the increase (unless the rules say total)."""
    if project.project_type == ProjectType.CAPITAL_INCREASE and rules.capital_increase == "increase":
        return project.amount - project.base_amount
    return project.amount


def stage_totals(rows: list[ProjectRow], *, today: datetime.date | None = None) -> list[StageTotal]:
    """Count, amounts per currency, USD at today's rate and weighted by the stage probability, per stage."""
    from waibao.statistics.rates import RateBook

    today = today or timezone.localdate()
    rules = counting_rules()
    book = RateBook({r.project.currency for r in rows})
    totals = {stage: StageTotal(stage) for stage in STAGE_ORDER}
    for row in rows:
        project = row.project
        total = totals[project.stage]
        total.count += 1
        amount = counted_amount(project, rules)
        total.by_currency[project.currency] = total.by_currency.get(project.currency, Decimal(0)) + amount
        total.overdue += int(row.overdue)
        total.days_in_stage += row.days_in_stage or 0
        try:
            usd = book.convert(amount, project.currency, today).amount_usd
        except DomainError:
            total.unconverted += 1
            continue
        total.total_usd += usd
        total.weighted_usd += (usd * rules.probability.get(project.stage, 0) / 100).quantize(Decimal("0.01"))
    return [totals[s] for s in STAGE_ORDER]


@dataclass
class FigureLine:
    """One line of the assessment: projects first signed in the year, counted amounts."""

    key: str
    name: str
    projects: int = 0
    amount_usd: Decimal = Decimal(0)
    by_currency: dict[str, Decimal] = field(default_factory=dict)
    unconverted: int = 0
    registered: int = 0
    operating: int = 0

    @property
    def currencies(self) -> list[tuple[str, Decimal]]:
        return sorted(self.by_currency.items())


@dataclass
class Figures:
    year: int
    rules: CountingRules
    by_department: list[FigureLine]
    by_zone: list[FigureLine]
    total: FigureLine


def figure_years(scope: Q) -> list[int]:
    last = Project.objects.filter(scope).aggregate(y=Max("first_signed_on"))["y"]
    first = Project.objects.filter(scope, first_signed_on__isnull=False).order_by("first_signed_on").first()
    if last is None or first is None or first.first_signed_on is None:
        return [timezone.localdate().year]
    return list(range(last.year, first.first_signed_on.year - 1, -1))


def assessment_figures(scope: Q, year: int) -> Figures:
    """Projects counted in `year`: those first signed in it (once, whatever happened after), the counted amount
    converted to USD at the rate in force on the signing date."""
    from waibao.statistics.rates import RateBook

    rules = counting_rules()
    counted = list(
        Project.objects.filter(scope, first_signed_on__year=year)
        .select_related("zone", "department")
        .order_by("department__section", "zone__sort_order", "pk")
    )
    book = RateBook({p.currency for p in counted})
    departments: dict[int, FigureLine] = {}
    zones: dict[int, FigureLine] = {}
    total = FigureLine("total", "")
    for project in counted:
        amount = counted_amount(project, rules)
        assert project.first_signed_on is not None
        try:
            usd: Decimal | None = book.convert(amount, project.currency, project.first_signed_on).amount_usd
        except DomainError:
            usd = None
        lines = (
            departments.setdefault(project.department_id, FigureLine(project.department.code, project.department.name)),
            zones.setdefault(project.zone_id, FigureLine(project.zone.code, project.zone.name)),
            total,
        )
        for line in lines:
            line.projects += 1
            line.by_currency[project.currency] = line.by_currency.get(project.currency, Decimal(0)) + amount
            if usd is None:
                line.unconverted += 1
            else:
                line.amount_usd += usd
            line.registered += int(project.stage in (Stage.REGISTERED, Stage.CAPITAL_ARRIVED, Stage.OPERATING))
            line.operating += int(project.stage == Stage.OPERATING)
    return Figures(year, rules, list(departments.values()), list(zones.values()), total)


def history(project: Project) -> list[StageChange]:
    return list(project.history.select_related("by").order_by("at", "pk"))


def board_columns(rows: list[ProjectRow]) -> list[tuple[str, list[ProjectRow]]]:
    columns: dict[str, list[ProjectRow]] = defaultdict(list)
    for row in rows:
        columns[row.project.stage].append(row)
    return [(stage, columns.get(stage, [])) for stage in STAGE_ORDER]
