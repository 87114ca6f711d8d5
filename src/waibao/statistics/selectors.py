"""Reads of the statistics: indicators (GROUP BY over the rollup), staffing, the HZ-2 goal, policy facts."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import ExtractMonth, ExtractYear, RowNumber
from django.utils.translation import gettext as _

from waibao.common import public_cache
from waibao.common.money import ZERO, to_money
from waibao.registry.models import Enterprise, OwnershipType, ServiceCategory, Zone
from waibao.registry.selectors import category_codes_under, ownership_codes_under
from waibao.statistics.access import review_scope
from waibao.statistics.conf import parameters, software_category_codes
from waibao.statistics.conf import today as local_today
from waibao.statistics.models import (
    Contract,
    Execution,
    IndicatorRollup,
    OwnershipRollup,
    RecordStatus,
    RevenueMeasure,
    StaffingReport,
    SummaryRollup,
)

BY_CHOICES = ("zone", "category", "subcategory", "country", "ownership", "month", "quarter", "year", "enterprise")
AMOUNT_FIELDS = (
    "contract_amount_usd",
    "contract_amount_offshore_usd",
    "executed_amount_usd",
    "executed_amount_offshore_usd",
    "contract_amount_cny",
    "contract_amount_offshore_cny",
    "executed_amount_cny",
    "executed_amount_offshore_cny",
)

# Grouping columns per `by`, in the rollup and in the raw records (contracts / executions).
_ROLLUP_GROUP = {
    "zone": ("zone",),
    "category": ("top_level",),
    "subcategory": ("category",),
    "country": ("country",),
    "ownership": ("ownership",),
    "enterprise": ("enterprise_id",),
    "month": ("year", "month"),
    "quarter": ("year", "month"),
    "year": ("year",),
    None: (),
}
_RAW_DIMENSION = {
    "zone": "k_zone",
    "top_level": "k_top_level",
    "category": "k_category",
    "country": "k_country",
    "ownership": "k_ownership",
    "offshore": "k_offshore",
}


_ROLLUP_AMOUNTS = ("contract_amount_usd", "contract_amount_cny", "executed_amount_usd", "executed_amount_cny")
_OFFSHORE = {name: name.replace("_amount_", "_amount_offshore_") for name in _ROLLUP_AMOUNTS}


@dataclass
class IndicatorFilters:
    """Restrictions on the indicator tables (each empty/None means all)."""

    zone: str = ""
    top_level: str = ""
    category: str = ""
    country: str = ""
    ownership: str = ""
    enterprise_id: int | None = None
    offshore: bool | None = None

    def ownership_codes(self) -> list[str]:
        """A parent ownership code (100) covers all its descendants (110, 150, 151 …)."""
        return ownership_codes_under(self.ownership)

    def category_codes(self) -> list[str]:
        """A service category covers every category below it."""
        return category_codes_under(self.category)


@dataclass
class IndicatorRow:
    key: str
    label: str = ""
    contract_count: int = 0
    execution_count: int = 0
    sums: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AMOUNT_FIELDS, ZERO))

    def __getattr__(self, name: str) -> Any:
        sums = self.__dict__.get("sums")
        if sums is not None and name in sums:
            return sums[name]
        raise AttributeError(name)

    def as_json(self) -> dict[str, Any]:
        """The command-line contract: key, contract_count and the eight amounts as 2-place strings."""
        return {
            "key": self.key,
            "contract_count": self.contract_count,
            **{name: f"{to_money(self.sums[name]):.2f}" for name in AMOUNT_FIELDS},
        }


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def split_range(date_from: date, date_to: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Split [from, to] into whole months (answered by the rollup) and partial-month edges (raw records)."""
    if date_to < date_from:
        return None, []
    first = date_from if date_from.day == 1 else _month_after(date_from)
    last = date_to if date_to == _month_end(date_to) else date(date_to.year, date_to.month, 1) - timedelta(days=1)
    if first > last:
        return None, [(date_from, date_to)]
    edges = []
    if date_from < first:
        edges.append((date_from, first - timedelta(days=1)))
    if last < date_to:
        edges.append((last + timedelta(days=1), date_to))
    return (first, last), edges


_SUMMARY_PARTS = frozenset({"zone", "category", "country", "month", "quarter", "year"})
_OWNERSHIP_PARTS = frozenset({"ownership", "month", "quarter", "year"})


def rollup_table(
    parts: tuple[str, ...], filters: IndicatorFilters
) -> type[IndicatorRollup] | type[SummaryRollup] | type[OwnershipRollup]:
    """The smallest rollup that holds the grouping's and the filters' dimensions: the ownership rollup
    (ownership, offshore, period), the summary rollup (zone, ITO/BPO/KPO, country, offshore, period), else the
    detailed one."""
    if (
        set(parts) <= _OWNERSHIP_PARTS
        and (filters.ownership or "ownership" in parts)
        and not (filters.zone or filters.top_level or filters.category or filters.country)
        and filters.enterprise_id is None
    ):
        return OwnershipRollup
    coarse = set(parts) <= _SUMMARY_PARTS and not (
        filters.category or filters.ownership or filters.enterprise_id is not None
    )
    return SummaryRollup if coarse else IndicatorRollup


def _months_q(first: date, last: date) -> Q:
    """Rollup rows whose (year, month) lies between first's and last's months."""
    if first.year == last.year:
        return Q(year=first.year, month__gte=first.month, month__lte=last.month)
    return (
        Q(year=first.year, month__gte=first.month)
        | Q(year__gt=first.year, year__lt=last.year)
        | Q(year=last.year, month__lte=last.month)
    )


def _rollup_filter(filters: IndicatorFilters) -> Q:
    q = Q()
    if filters.zone:
        q &= Q(zone=filters.zone)
    if filters.top_level:
        q &= Q(top_level=filters.top_level)
    if filters.category:
        q &= Q(category__in=filters.category_codes())
    if filters.country:
        q &= Q(country=filters.country)
    if filters.ownership:
        q &= Q(ownership__in=filters.ownership_codes())
    if filters.enterprise_id is not None:
        q &= Q(enterprise_id=filters.enterprise_id)
    if filters.offshore is not None:
        q &= Q(offshore=filters.offshore)
    return q


def _raw_filter(filters: IndicatorFilters, prefix: str) -> Q:
    q = Q()
    for attr in ("zone", "top_level", "country"):
        value = getattr(filters, attr)
        if value:
            q &= Q(**{f"{prefix}{_RAW_DIMENSION[attr]}": value})
    if filters.category:
        q &= Q(**{f"{prefix}k_category__in": filters.category_codes()})
    if filters.ownership:
        q &= Q(**{f"{prefix}k_ownership__in": filters.ownership_codes()})
    if filters.enterprise_id is not None:
        q &= Q(enterprise_id=filters.enterprise_id)
    if filters.offshore is not None:
        q &= Q(**{f"{prefix}k_offshore": filters.offshore})
    return q


def _sort_key(values: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    """Group keys in natural order: numbers (years, months) as numbers, so that 2 comes before 10."""
    return tuple(
        (0, _sort_key(v))
        if isinstance(v, tuple)
        else (1, v)
        if isinstance(v, int)
        else (2, "" if v is None else str(v))
        for v in values
    )


def parse_by(by: str | None) -> tuple[str, ...]:
    """ "zone,month" → ("zone", "month"); None or "" → () (one total row). Unknown names raise ValueError."""
    parts = tuple(p.strip() for p in (by or "").split(",") if p.strip())
    for part in parts:
        if part not in BY_CHOICES:
            raise ValueError(f"unknown grouping {part!r}")
    if len(set(parts)) != len(parts):
        raise ValueError(f"grouping repeated in {by!r}")
    return parts


def _raw_group(parts: tuple[str, ...], prefix: str, date_field: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Annotations and value names that give raw records the same group columns as the rollup."""
    annotations: dict[str, Any] = {}
    names: list[str] = []
    for column in (c for part in parts for c in _ROLLUP_GROUP[part]):
        if column == "year":
            annotations["g_year"] = ExtractYear(date_field)
            names.append("g_year")
        elif column == "month":
            annotations["g_month"] = ExtractMonth(date_field)
            names.append("g_month")
        elif column == "enterprise_id":
            names.append("enterprise_id")
        else:
            names.append(f"{prefix}{_RAW_DIMENSION[column]}")
    return annotations, tuple(names)


def _normalise(parts: tuple[str, ...], values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Group values per part: months and quarters as (year, n); other parts as their single value."""
    out: list[Any] = []
    i = 0
    for part in parts:
        width = len(_ROLLUP_GROUP[part])
        chunk = values[i : i + width]
        i += width
        if part == "quarter":
            out.append((chunk[0], (chunk[1] - 1) // 3 + 1))
        elif part == "month":
            out.append((chunk[0], chunk[1]))
        else:
            out.append(chunk[0])
    return tuple(out)


def _format_part(part: str, value: Any, codes: dict[int, str]) -> str:
    if part == "month":
        return f"{value[0]}-{value[1]:02d}"
    if part == "quarter":
        return f"{value[0]}-Q{value[1]}"
    if part == "enterprise":
        return codes.get(value, str(value))
    return str(value)


def indicators(
    *,
    date_from: date,
    date_to: date,
    by: str | None = None,
    filters: IndicatorFilters | None = None,
    labels: bool = False,
) -> list[IndicatorRow]:
    """Approved contract and executed amounts (USD and CNY, total and offshore) between two dates, grouped.

    `by` is one grouping of BY_CHOICES or several joined by commas ("zone,month": keys "htz|2007-03").
    Contracts count by signing date, executions by their own date. Whole months come from the rollup (a
    GROUP BY whose cost follows the groups returned); partial months at the edges from the raw approved
    records of those days only.
    """
    parts = parse_by(by)
    filters = filters or IndicatorFilters()
    rows: dict[tuple[Any, ...], IndicatorRow] = {}

    def add(group: tuple[Any, ...], offshore: bool, values: dict[str, Any]) -> None:
        key = _normalise(parts, group)
        row = rows.get(key)
        if row is None:
            row = rows[key] = IndicatorRow(key="")
        row.contract_count += values.get("contract_count") or 0
        row.execution_count += values.get("execution_count") or 0
        for measure in ("contract_amount", "executed_amount"):
            for currency in ("usd", "cny"):
                amount = values.get(f"{measure}_{currency}") or ZERO
                row.sums[f"{measure}_{currency}"] += amount
                if offshore:
                    row.sums[f"{measure}_offshore_{currency}"] += amount

    whole, edges = split_range(date_from, date_to)
    if whole is not None:
        group = tuple(c for part in parts for c in _ROLLUP_GROUP[part])
        table = rollup_table(parts, filters)
        # Offshore shares summed by the database beside the totals: one row per group, not two.
        offshore = Q(offshore=True)
        sums = [
            Sum("contract_count"),
            Sum("execution_count"),
            *(Sum(name) for name in _ROLLUP_AMOUNTS),
            *(Sum(name, filter=offshore) for name in _ROLLUP_AMOUNTS),
        ]
        named = {f"s{i}": expression for i, expression in enumerate(sums)}
        base = table.objects.filter(_months_q(*whole) & _rollup_filter(filters))
        if group:
            found: Iterable[tuple[Any, ...]] = base.values_list(*group).annotate(**named).order_by()
        else:
            total = base.aggregate(**named)
            found = [tuple(total[name] for name in named)] if total["s0"] is not None else []
        width = len(group)
        for r in found:
            key = _normalise(parts, r[:width])
            row = rows.get(key)
            if row is None:
                row = rows[key] = IndicatorRow(key="")
            row.contract_count += r[width] or 0
            row.execution_count += r[width + 1] or 0
            for i, name in enumerate(_ROLLUP_AMOUNTS):
                row.sums[name] += r[width + 2 + i] or ZERO
                row.sums[_OFFSHORE[name]] += r[width + 6 + i] or ZERO
    for start, end in edges:
        annotations, names = _raw_group(parts, "", "signed_date")
        for r in (
            Contract.objects.filter(status=RecordStatus.APPROVED, signed_date__range=(start, end))
            .filter(_raw_filter(filters, ""))
            .annotate(**annotations)
            .values(*names, "k_offshore")
            .annotate(n=Count("id"), usd=Sum("amount_usd"), cny=Sum("amount_cny"))
            .order_by()
        ):
            add(
                tuple(r[n] for n in names),
                r["k_offshore"],
                {"contract_count": r["n"], "contract_amount_usd": r["usd"], "contract_amount_cny": r["cny"]},
            )
        annotations, names = _raw_group(parts, "contract__", "date")
        for r in (
            Execution.objects.filter(status=RecordStatus.APPROVED, date__range=(start, end))
            .filter(_raw_filter(filters, "contract__"))
            .annotate(**annotations)
            .values(*names, "contract__k_offshore")
            .annotate(n=Count("id"), usd=Sum("amount_usd"), cny=Sum("amount_cny"))
            .order_by()
        ):
            add(
                tuple(r[n] for n in names),
                r["contract__k_offshore"],
                {"execution_count": r["n"], "executed_amount_usd": r["usd"], "executed_amount_cny": r["cny"]},
            )
    if not parts and not rows:
        rows[()] = IndicatorRow(key="")
    codes: dict[int, str] = {}
    if "enterprise" in parts:
        index = parts.index("enterprise")
        ids = {key[index] for key in rows}
        codes = dict(Enterprise.objects.filter(pk__in=ids).values_list("id", "credit_code"))
    for key, row in rows.items():
        row.key = "|".join(_format_part(p, v, codes) for p, v in zip(parts, key, strict=True)) if parts else "total"
        row.sums = {k: to_money(v) for k, v in row.sums.items()}
    ordered = sorted(rows.items(), key=lambda item: _sort_key(item[0]))
    result = [row for _key, row in ordered]
    if len(parts) == 1 and parts[0] not in ("month", "quarter", "year"):
        result.sort(key=lambda r: r.sums["executed_amount_usd"], reverse=True)
    if labels:
        label_rows(result, parts[0] if len(parts) == 1 else None)
    return result


def total_of(rows: Iterable[IndicatorRow]) -> IndicatorRow:
    """The total row of a grouped table (each record counts in exactly one group): no second query."""
    total = IndicatorRow(key="total", label=_("Total"))
    for row in rows:
        total.contract_count += row.contract_count
        total.execution_count += row.execution_count
        for name in AMOUNT_FIELDS:
            total.sums[name] += row.sums[name]
    return total


def label_rows(rows: Iterable[IndicatorRow], by: str | None) -> None:
    """Human names for row keys (zone, category and ownership names, enterprise names)."""
    rows = list(rows)
    names: dict[str, str] = {}
    if by == "zone":
        names = {z.code: z.name for z in Zone.objects.all()}
    elif by in ("category", "subcategory"):
        names = {c.code: c.name for c in ServiceCategory.objects.all()}
        names.update({c.top_level: c.name for c in ServiceCategory.objects.filter(parent__isnull=True)})
    elif by == "ownership":
        names = {o.code: str(o) for o in OwnershipType.objects.all()}
    elif by == "enterprise":
        names = dict(
            Enterprise.objects.filter(credit_code__in=[r.key for r in rows]).values_list("credit_code", "name_zh")
        )
    names["total"] = _("Total")
    for row in rows:
        row.label = names.get(row.key, row.key) if row.key else _("(none)")


def enterprises_reporting(*, date_from: date, date_to: date, filters: IndicatorFilters | None = None) -> int:
    """How many enterprises have an approved contract or execution in the range."""
    filters = filters or IndicatorFilters()
    ids: set[int] = set()
    whole, edges = split_range(date_from, date_to)
    if whole is not None and not edges:  # whole months: counted by the database
        return IndicatorRollup.objects.filter(_months_q(*whole) & _rollup_filter(filters)).aggregate(
            n=Count("enterprise_id", distinct=True)
        )["n"]
    if whole is not None:
        ids.update(
            IndicatorRollup.objects.filter(_months_q(*whole) & _rollup_filter(filters))
            .values_list("enterprise_id", flat=True)
            .distinct()
        )
    for start, end in edges:
        ids.update(
            Contract.objects.filter(status=RecordStatus.APPROVED, signed_date__range=(start, end))
            .filter(_raw_filter(filters, ""))
            .values_list("enterprise_id", flat=True)
            .distinct()
        )
        ids.update(
            Execution.objects.filter(status=RecordStatus.APPROVED, date__range=(start, end))
            .filter(_raw_filter(filters, "contract__"))
            .values_list("enterprise_id", flat=True)
            .distinct()
        )
    return len(ids)


# --- staffing ----------------------------------------------------------------------------------------


@dataclass
class StaffingRow:
    key: str
    label: str = ""
    enterprises: int = 0
    employees: int = 0
    new_employees: int = 0
    new_graduates: int = 0


def staffing_indicators(
    *, date_from: date, date_to: date, by: str | None = None, filters: IndicatorFilters | None = None
) -> list[StaffingRow]:
    """Approved staffing reports whose period ends in the range: employees at the latest period end (per
    enterprise), new employees and new graduates summed. `by` is None, "zone", "ownership" or "enterprise"."""
    filters = filters or IndicatorFilters()
    qs = StaffingReport.objects.filter(status=RecordStatus.APPROVED, period_end__range=(date_from, date_to))
    if filters.zone:
        qs = qs.filter(enterprise__zone__code=filters.zone)
    if filters.ownership:
        qs = qs.filter(enterprise__ownership_type_id__in=filters.ownership_codes())
    if filters.enterprise_id is not None:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    column = {None: None, "zone": "enterprise__zone__code", "ownership": "enterprise__ownership_type_id"}.get(
        by, "enterprise__credit_code"
    )
    # In the database: each enterprise's report with the latest period end in the range (a window function,
    # one sort of the range's reports) gives its employees; new employees and graduates are summed.
    latest = qs.annotate(
        newest=Window(RowNumber(), partition_by=[F("enterprise_id")], order_by=[F("period_end").desc()])
    ).filter(newest=1)
    new = {"new": Sum("new_employees"), "graduates": Sum("new_graduates")}
    if column is None:
        found = [{**latest.aggregate(n=Count("enterprise_id"), employees=Sum("employees")), **qs.aggregate(**new)}]
        found = [r for r in found if r["n"]]
        hires: list[dict[str, Any]] = found
    else:
        per_group: dict[str, dict[str, Any]] = {}
        for r in latest.values(column, "employees"):  # one row per enterprise
            group = per_group.setdefault(r[column] or "", {column: r[column], "n": 0, "employees": 0})
            group["n"] += 1
            group["employees"] += r["employees"]
        found = list(per_group.values())
        hires = list(qs.values(column).annotate(**new).order_by())
    rows: dict[str, StaffingRow] = {}
    for r in found:
        key = "total" if column is None else (r[column] or "")
        rows[key] = StaffingRow(key=key, enterprises=r["n"], employees=r["employees"] or 0)
    for r in hires:
        key = "total" if column is None else (r[column] or "")
        row = rows.setdefault(key, StaffingRow(key=key))
        row.new_employees, row.new_graduates = r["new"] or 0, r["graduates"] or 0
    if by is None and not rows:
        rows["total"] = StaffingRow(key="total")
    result = sorted(rows.values(), key=lambda r: r.key)
    names: dict[str, str] = {"total": _("Total")}
    if by == "zone":
        names = {z.code: z.name for z in Zone.objects.all()}
    elif by == "ownership":
        names = {o.code: str(o) for o in OwnershipType.objects.all()}
    elif by == "enterprise":
        names = dict(Enterprise.objects.filter(credit_code__in=rows).values_list("credit_code", "name_zh"))
    for row in result:
        row.label = names.get(row.key, row.key) if row.key else _("(none)")
    return result


# --- the HZ-2 goal -----------------------------------------------------------------------------------


@dataclass
class GoalYear:
    year: int
    required: Decimal | None
    actual: Decimal | None
    projection: Decimal | None


@dataclass
class GoalProgress:
    measure: str
    measure_label: str
    base_year: int
    target_year: int
    multiple: Decimal
    base: Decimal | None
    base_from_data: bool
    target: Decimal | None
    required_growth: Decimal  # a fraction: 0.3195 = 31.95 % a year
    projection_growth: Decimal | None
    projection_from: tuple[int, int] | None  # the two actual years the trend is taken from
    projected_target: Decimal | None
    gap: Decimal | None  # target − projection (positive: short of the target)
    years: list[GoalYear]


def yearly_revenue(*, first_year: int, last_year: int, measure: str | None = None) -> dict[int, Decimal]:
    """The measure that stands for revenue (USD), per year, from the rollup."""
    measure = measure or parameters().revenue_measure
    column = "contract_amount_usd" if measure.startswith("contract") else "executed_amount_usd"
    qs = SummaryRollup.objects.filter(year__gte=first_year, year__lte=last_year)
    if measure.endswith("offshore"):
        qs = qs.filter(offshore=True)
    return {
        r["year"]: to_money(r["total"])
        for r in qs.values("year").annotate(total=Sum(column)).order_by("year")
        if r["total"]
    }


def goal_progress(*, today: date | None = None) -> GoalProgress:
    """HZ-2: base year, target (multiple × base), the yearly growth it requires, actual, projection and gap.

    Projection: compound growth between the last two years with approved data, carried forward.
    """
    params = parameters()
    span = params.goal_target_year - params.goal_base_year
    multiple = Decimal(params.goal_multiple)
    required_growth = multiple ** (Decimal(1) / Decimal(span)) - 1
    current_year = (today or local_today()).year
    actual = yearly_revenue(first_year=params.goal_base_year, last_year=min(params.goal_target_year, current_year))
    base_from_data = params.goal_base_amount_usd is None
    base = actual.get(params.goal_base_year) if base_from_data else params.goal_base_amount_usd
    target = to_money(base * multiple) if base is not None else None
    years_with_data = sorted(actual)
    projection_growth = None
    projection_from = None
    if len(years_with_data) >= 2:
        y1, y2 = years_with_data[-2], years_with_data[-1]
        if actual[y1] > 0:
            projection_growth = (actual[y2] / actual[y1]) ** (Decimal(1) / Decimal(y2 - y1)) - 1
            projection_from = (y1, y2)
    rows = []
    for year in range(params.goal_base_year, params.goal_target_year + 1):
        required = to_money(base * (1 + required_growth) ** (year - params.goal_base_year)) if base else None
        projection = None
        if projection_growth is not None and projection_from is not None and year > projection_from[1]:
            projection = to_money(actual[projection_from[1]] * (1 + projection_growth) ** (year - projection_from[1]))
        rows.append(GoalYear(year=year, required=required, actual=actual.get(year), projection=projection))
    last = rows[-1]
    projected_target = last.actual if last.actual is not None else last.projection
    gap = to_money(target - projected_target) if target is not None and projected_target is not None else None
    return GoalProgress(
        measure=params.revenue_measure,
        measure_label=str(RevenueMeasure(params.revenue_measure).label),
        base_year=params.goal_base_year,
        target_year=params.goal_target_year,
        multiple=multiple,
        base=base,
        base_from_data=base_from_data,
        target=target,
        required_growth=required_growth,
        projection_growth=projection_growth,
        projection_from=projection_from,
        projected_target=projected_target,
        gap=gap,
        years=rows,
    )


# --- facts for the policy engine ---------------------------------------------------------------------


def software_export_usd(*, enterprise_id: int, year: int) -> Decimal:
    """A year's approved offshore executed amount (USD) in the software categories: the policy fact."""
    total = IndicatorRollup.objects.filter(
        enterprise_id=enterprise_id, year=year, offshore=True, category__in=software_category_codes()
    ).aggregate(total=Sum("executed_amount_usd"))["total"]
    return to_money(total or 0)


def software_export_usd_by_enterprise(*, year: int) -> dict[int, Decimal]:
    """`software_export_usd` for every enterprise with approved offshore software executions in `year` (one query)."""
    rows = (
        IndicatorRollup.objects.filter(year=year, offshore=True, category__in=software_category_codes())
        .values("enterprise_id")
        .annotate(total=Sum("executed_amount_usd"))
    )
    return {row["enterprise_id"]: to_money(row["total"] or 0) for row in rows}


def latest_statistics_year(*, up_to: int) -> int | None:
    """The latest year not after `up_to` that has approved statistics."""
    return IndicatorRollup.objects.filter(year__lte=up_to).order_by("-year").values_list("year", flat=True).first()


def approved_facts(*, enterprise_id: int, year: int) -> dict[str, Any]:
    """The approved statistics of one enterprise for one year, as facts (amounts as Decimal, USD/CNY)."""
    sums = IndicatorRollup.objects.filter(enterprise_id=enterprise_id, year=year).aggregate(
        contract_usd=Sum("contract_amount_usd"),
        executed_usd=Sum("executed_amount_usd"),
        executed_cny=Sum("executed_amount_cny"),
        offshore_executed_usd=Sum("executed_amount_usd", filter=Q(offshore=True)),
    )
    staffing = StaffingReport.objects.filter(
        enterprise_id=enterprise_id, status=RecordStatus.APPROVED, period_end__year=year
    )
    latest = staffing.order_by("-period_end").values_list("employees", flat=True).first()
    totals = staffing.aggregate(new=Sum("new_employees"), graduates=Sum("new_graduates"))
    return {
        "software_export_usd": software_export_usd(enterprise_id=enterprise_id, year=year),
        "contract_amount_usd": to_money(sums["contract_usd"] or 0),
        "executed_amount_usd": to_money(sums["executed_usd"] or 0),
        "executed_amount_cny": to_money(sums["executed_cny"] or 0),
        "offshore_executed_amount_usd": to_money(sums["offshore_executed_usd"] or 0),
        "employees": latest,
        "new_employees": totals["new"] or 0,
        "new_graduates": totals["graduates"] or 0,
    }


# --- record lists ------------------------------------------------------------------------------------


def review_queue(user: Any, model: type[Any], *, status: str = RecordStatus.SUBMITTED, zone: str = "") -> QuerySet[Any]:
    """Records of one kind that `user` may review, oldest submission first."""
    qs = model.objects.filter(review_scope(user)).select_related("enterprise", "enterprise__zone")
    if status:
        qs = qs.filter(status=status)
    if zone:
        qs = qs.filter(enterprise__zone__code=zone)
    if model is Execution:
        qs = qs.select_related("contract")
    if model is Contract:
        qs = qs.select_related("category")
    return qs.order_by("submitted_at", "id")


def status_counts(user: Any) -> dict[str, dict[str, int]]:
    """Per kind, how many records in each state `user` may review."""
    out: dict[str, dict[str, int]] = {}
    for name, model in (("contract", Contract), ("execution", Execution), ("staffing", StaffingReport)):
        rows = model.objects.filter(review_scope(user)).values("status").annotate(n=Count("id")).order_by()
        out[name] = {r["status"]: r["n"] for r in rows}
    return out


def latest_data_date() -> date | None:
    """The last day of the latest month with approved data (for default page ranges)."""
    return public_cache.cached("statistics-latest", areas=(public_cache.STATISTICS,), compute=_latest_data_date)


def _latest_data_date() -> date | None:
    top = SummaryRollup.objects.aggregate(year=Max("year"))["year"]
    if top is None:
        return None
    month = SummaryRollup.objects.filter(year=top).aggregate(month=Max("month"))["month"]
    return _month_end(date(top, month, 1))
