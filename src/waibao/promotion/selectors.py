"""Reads of the pipeline: board columns, the list with time in stage and overdue actions, totals per stage,
and the foreign-investment assessment figures (利用外资考核) by department and zone for a year."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, NamedTuple, TypedDict, TypeVar

from django.db import connection
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from waibao.common import public_cache
from waibao.common.errors import DomainError
from waibao.common.i18n import is_english
from waibao.common.labels import label_in
from waibao.promotion.models import STAGE_ORDER, Project, ProjectType, Stage, StageChange
from waibao.promotion.rules import CountingRules, counting_rules
from waibao.promotion.workflow import ONE_CLICK, PROJECT_WORKFLOW
from waibao.statistics.models import ExchangeRate
from waibao.statistics.rates import CNY, USD, RateBook
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


EVERY_RELATION = ("zone", "department", "responsible", "enterprise", "event")
# The columns the board's cards, the list's lines and the stage totals read (`PageProject`; the export reads every
# column of the models).
PAGE_FIELDS = (
    "title",
    "investor_name",
    "investor_country",
    "project_type",
    "currency",
    "amount",
    "base_amount",
    "stage",
    "stage_since",
    "lost_reason",
    "next_action",
    "next_action_due",
    "created_at",
)
_PAGE_NAMES = ("zone__name_zh", "zone__name_en", "department__name_zh", "department__name_en")


def projects(
    scope: Q, filters: ProjectFilters | None = None, *, related: tuple[str, ...] = EVERY_RELATION
) -> QuerySet[Project]:
    """Projects in `scope` (from `access.project_scope`) with the `related` records selected with them."""
    filters = filters or ProjectFilters()
    qs = (
        Project.objects.filter(scope)
        .select_related(*related)
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


class PageName(NamedTuple):
    name: str  # in the reader's language


@dataclass(frozen=True)
class PageProject:
    """A project as the board's cards, the list's lines and the stage totals read it: `PAGE_FIELDS` as plain values
    under the model's names (a project built as a model, deferred columns and its zone and department with it, cost
    the pages some 110 Python calls)."""

    pk: int
    title: str
    investor_name: str
    investor_country: str
    project_type: str
    currency: str
    amount: Decimal
    base_amount: Decimal
    stage: str
    stage_since: datetime.date | None
    lost_reason: str
    next_action: str
    next_action_due: datetime.date | None
    created_at: datetime.datetime
    zone: PageName
    department: PageName


# What `page_projects` shows changes through the promotion services (projects), the registry's (zone names) and the
# governance data set (department names): each marks its area changed.
PAGE_AREAS = (public_cache.PROMOTION, public_cache.REGISTRY, public_cache.GOVERNANCE)


def page_projects(scope: Q, filters: ProjectFilters | None = None) -> list[PageProject]:
    """`projects` for the board and the list, in the same order, read as `PageProject`s: from the cache, one entry
    per reader's scope, filters and language (and day, for "overdue only"), until a project, zone or department
    changes. The query cost the board and the list a quarter of their time."""
    filters = filters or ProjectFilters()
    day = timezone.localdate().isoformat() if filters.overdue_only else ""
    return public_cache.cached(
        "promotion-page-projects",
        areas=PAGE_AREAS,
        params=(repr(scope), filters, day),
        compute=lambda: _read_page_projects(scope, filters),
    )


def _read_page_projects(scope: Q, filters: ProjectFilters) -> list[PageProject]:
    english = is_english()

    def name(zh: str, en: str) -> PageName:  # `localized`, the language read once for the page
        return PageName(en if english and en else zh or en)

    own = ("pk", *PAGE_FIELDS)
    out = []
    for row in projects(scope, filters, related=()).values_list(*own, *_PAGE_NAMES):
        zone_zh, zone_en, department_zh, department_en = row[len(own) :]
        fields = dict(zip(own, row, strict=False))
        out.append(PageProject(**fields, zone=name(zone_zh, zone_en), department=name(department_zh, department_en)))
    return out


P = TypeVar("P", Project, PageProject)


@dataclass
class ProjectRow(Generic[P]):
    project: P
    days_in_stage: int | None  # None once the project is closed (operating or lost)
    overdue: bool
    working_days_left: int | None
    moves: list[Any]


def _working_days(calendar: WorkCalendar, start: datetime.date, end: datetime.date) -> int:
    try:
        return calendar.working_days_between(start, end)
    except DomainError:  # a year the calendar does not hold: count calendar days rather than fail the page
        return (end - start).days


def project_rows(found: Iterable[P], *, role: str | None, today: datetime.date | None = None) -> list[ProjectRow[P]]:
    today = today or timezone.localdate()
    calendar = current_calendar()
    rows: list[ProjectRow[P]] = []
    for project in found:
        since = project.stage_since or project.created_at.date()
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


def counted_amount(project: Project | PageProject, rules: CountingRules) -> Decimal:
    """The amount the assessment counts: a capital increase counts only the increase (unless the rules say total)."""
    if project.project_type == ProjectType.CAPITAL_INCREASE and rules.capital_increase == "increase":
        return project.amount - project.base_amount
    return project.amount


class RatesOn(RateBook):
    """The rate book of `currencies` (and USD) holding only the rate of each in force on the day `on`, read in one
    query that returns a row a currency: it answers for that day alone. The stage totals convert at today's
    rate, and the table holds years of dated rates, which the whole book read on every request."""

    def __init__(self, currencies: Iterable[str], on: datetime.date) -> None:
        wanted = sorted({c for c in currencies if c != CNY} | {USD})
        # Written out (names quoted by the backend, values as parameters) and read through `raw`, which converts
        # the columns as the ORM does: the ORM's correlated subquery cost the list ~1,700 Python calls to compile,
        # more than the rest of the stage totals. The latest day of each currency found once, grouped, then its row
        # by the (currency, date) key: a subquery correlated with each row read every rate of the currency for each
        # of them (0.7 ms on SQLite with a few years of monthly rates, growing with the table).
        quote = connection.ops.quote_name
        table, pk, currency, date, rate = (quote(name) for name in (ExchangeRate._meta.db_table, "id", "currency",
                                                                     "date", "cny_per_unit"))  # fmt: skip
        sql = (
            f"SELECT r.{pk}, r.{currency}, r.{date}, r.{rate} FROM {table} r "  # noqa: S608 - names only
            f"WHERE (r.{currency}, r.{date}) IN (SELECT l.{currency}, MAX(l.{date}) FROM {table} l "
            f"WHERE l.{currency} IN ({', '.join(['%s'] * len(wanted))}) AND l.{date} <= %s GROUP BY l.{currency})"
        )
        self._dates: dict[str, list[datetime.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for row in ExchangeRate.objects.raw(sql, [*wanted, on]):
            self._dates[row.currency] = [row.date]
            self._rates[row.currency] = [row.cny_per_unit]


def stage_totals(rows: Sequence[ProjectRow[Any]], *, today: datetime.date | None = None) -> list[StageTotal]:
    """Count, amounts per currency, USD at today's rate and weighted by the stage probability, per stage."""
    today = today or timezone.localdate()
    rules = counting_rules()
    book = RatesOn({r.project.currency for r in rows}, today)
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


# The words of the list's and the board's lines, made once per process for each language: a process's catalogues,
# the choices' labels and the workflow's moves do not change, and a translation costs some twenty calls each time it
# is looked up (the list shows fifty lines and seven stages; labels of codes: `common.labels.label_in`).
@functools.lru_cache(maxsize=512)
def _days_in_stage(language: str | None, n: int) -> str:
    with translation.override(language):
        return ngettext("%(n)s working day in this stage", "%(n)s working days in this stage", n) % {"n": n}


@functools.lru_cache(maxsize=8)
def _move_labels(language: str | None) -> dict[str, str]:
    """Every move's label by its name."""
    with translation.override(language):
        return {name: str(move.label) for name, move in PROJECT_WORKFLOW.transitions.items()}


class StageTotalLine(TypedDict):
    """A stage's totals as the list shows them."""

    stage_label: str
    count: int
    amounts: list[str]  # currency and amount, one a currency
    usd: str
    unconverted: str  # "n without a rate", or ""
    weighted_usd: str
    average_days: str
    overdue: int


def stage_total_lines(totals: list[StageTotal]) -> list[StageTotalLine]:
    from waibao.common.templatetags.money import money

    language = translation.get_language()
    return [
        {
            "stage_label": label_in(language, "promotion_stage", t.stage),
            "count": t.count,
            "amounts": [f"{currency} {money(amount)}" for currency, amount in t.currencies],
            "usd": money(t.total_usd),
            "unconverted": (
                ngettext("%(n)s without a rate", "%(n)s without a rate", t.unconverted) % {"n": t.unconverted}
                if t.unconverted
                else ""
            ),
            "weighted_usd": money(t.weighted_usd),
            "average_days": "—" if t.average_days is None else str(t.average_days),
            "overdue": t.overdue,
        }
        for t in totals
    ]


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


class ProjectLine(TypedDict):
    """A project as the board's card and the list's line show it: plain values, so the template looks nothing
    up (a dict, which the template language reads at its first try)."""

    pk: int
    url: str
    title: str
    investor: str
    country: str
    type_label: str
    amount: str  # currency and amount
    department: str
    zone: str
    stage_label: str
    lost_reason: str  # only for a lost project
    days: str  # working days in the stage ("—" once closed)
    days_text: str  # the same in words, for the board ("" once closed)
    next_action: str
    due: str
    overdue: bool
    moves: list[tuple[str, str]]  # the one-click moves the reader may take: (name, label)


def project_lines(rows: Sequence[ProjectRow[Any]]) -> list[ProjectLine]:
    from waibao.common.templatetags.money import money

    base = reverse("promotion:project", args=[0])[:-2]  # a project's page is this and its id
    language = translation.get_language()
    move_labels = _move_labels(language)

    lines: list[ProjectLine] = []
    for row in rows:
        p = row.project
        days = row.days_in_stage
        lines.append(
            {
                "pk": p.pk,
                "url": f"{base}{p.pk}/",
                "title": p.title,
                "investor": p.investor_name,
                "country": p.investor_country,
                "type_label": label_in(language, "promotion_type", p.project_type),
                "amount": f"{p.currency} {money(p.amount)}",
                "department": p.department.name,
                "zone": p.zone.name,
                "stage_label": label_in(language, "promotion_stage", p.stage),
                "lost_reason": p.lost_reason if p.stage == Stage.LOST else "",
                "days": "—" if days is None else str(days),
                "days_text": "" if days is None else _days_in_stage(language, days),
                "next_action": p.next_action,
                "due": p.next_action_due.isoformat() if p.next_action_due else "",
                "overdue": row.overdue,
                "moves": [(move.name, move_labels[move.name]) for move in row.moves],
            }
        )
    return lines


def board_columns(rows: Sequence[ProjectRow[Any]]) -> list[tuple[str, str, list[ProjectLine]]]:
    """The board's columns: (stage, its name, its projects' cards)."""
    from waibao.common.labels import label

    columns: dict[str, list[ProjectLine]] = defaultdict(list)
    for row, line in zip(rows, project_lines(rows), strict=True):
        columns[row.project.stage].append(line)
    return [(stage, label("promotion_stage", stage), columns.get(stage, [])) for stage in STAGE_ORDER]
