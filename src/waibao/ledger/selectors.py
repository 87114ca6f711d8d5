"""Reading the ledger: fund overview, budget lines, one application's ledger, monthly statements, reconciliation."""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from waibao.common.i18n import is_english
from waibao.common.money import ZERO, from_fen, to_money
from waibao.common.plain_sql import column, table
from waibao.ledger.models import (
    BudgetLine,
    Commitment,
    CommitmentStatus,
    EntryKind,
    Fund,
    FundSource,
    LedgerEntry,
    UseCategory,
)


@dataclass
class Totals:
    """Budget, committed (open), paid and available for any grouping of budget lines."""

    budgeted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.budgeted - self.committed - self.paid

    def add(self, budgeted: Decimal, committed: Decimal, paid: Decimal) -> None:
        self.budgeted += budgeted
        self.committed += committed
        self.paid += paid


@dataclass
class FundRow:
    """A fund as the overview shows it: plain values, the name and note in the reader's language."""

    pk: int
    code: str
    name: str
    citation: str
    note: str
    sort_order: int


@dataclass
class SourceRow:
    """A fund source as the overview shows it, with its fund's name and order."""

    pk: int
    name: str
    citation: str
    sort_order: int
    fund_id: int
    fund_name: str
    fund_sort_order: int


@dataclass
class CategoryRow:
    """A use category as the overview shows it."""

    pk: str
    name: str
    sort_order: int


@dataclass
class LineRow:
    """A budget line as the overview shows it: its source, category and running totals."""

    pk: int
    year: int
    source: SourceRow
    category: CategoryRow
    budgeted: Decimal
    committed: Decimal
    paid: Decimal
    is_demo_allocation: bool

    @property
    def available(self) -> Decimal:
        return self.budgeted - self.committed - self.paid


@dataclass
class FundOverview:
    year: int
    funds: list[tuple[FundRow, Totals]] = field(default_factory=list)
    sources: list[tuple[SourceRow, Totals]] = field(default_factory=list)
    categories: list[tuple[CategoryRow, Totals]] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    total: Totals = field(default_factory=Totals)


def budget_years() -> list[int]:
    """Every year with budget lines, ascending (distinct years from the database, not every line's year)."""
    return sorted(BudgetLine.objects.order_by().values_list("year", flat=True).distinct())


@functools.cache
def _year_sums_sql(*, by_fund: bool) -> str:
    """Budget, committed and paid per year, summed by the database (of one fund, by its code: the parameter).
    Written once as SQL: the ORM's building of it cost the ledger overview more than its sums."""
    year, source_id = f"b.{column(BudgetLine, 'year')}", f"b.{column(BudgetLine, 'source')}"
    sums = ", ".join(f"SUM(b.{column(BudgetLine, name)})" for name in ("budgeted", "committed", "paid"))
    sql = f"SELECT {year}, {sums} FROM {table(BudgetLine)} b"  # noqa: S608 - names only
    if by_fund:
        sql += (
            f" JOIN {table(FundSource)} s ON s.{column(FundSource, 'id')} = {source_id}"
            f" JOIN {table(Fund)} f ON f.{column(Fund, 'id')} = s.{column(FundSource, 'fund')}"
            f" WHERE f.{column(Fund, 'code')} = %s"
        )
    return f"{sql} GROUP BY {year}"


def totals_by_year(*, fund_code: str | None = None) -> list[tuple[int, Totals]]:
    """Budget, committed, paid and available per year (all years with budget lines)."""
    with connection.cursor() as cursor:
        cursor.execute(_year_sums_sql(by_fund=bool(fund_code)), [fund_code] if fund_code else [])
        rows = cursor.fetchall()
    return sorted((year, Totals(_money_sum(b), _money_sum(c), _money_sum(p))) for year, b, c, p in rows)


def budget_line_available(*, budget_line_id: int) -> Decimal:
    line = BudgetLine.objects.only("budgeted", "committed", "paid").get(pk=budget_line_id)
    return line.available


def _in_language(english: bool, zh: str, en: str) -> str:
    """`localized(zh, en)` with the language read once for a whole overview."""
    return en if english and en else zh or en


_FUND_FIELDS = ("pk", "code", "name_zh", "name_en", "citation", "note_zh", "note_en", "sort_order")


def _fund_row(english: bool, v: tuple[Any, ...]) -> FundRow:
    """A fund from the values of `_FUND_FIELDS`, in order."""
    return FundRow(v[0], v[1], _in_language(english, v[2], v[3]), v[4], _in_language(english, v[5], v[6]), v[7])


@functools.cache
def _funds_sql() -> str:
    """Every fund, as `_FUND_FIELDS` name them."""
    columns = ", ".join(column(Fund, name) for name in _FUND_FIELDS)
    return f"SELECT {columns} FROM {table(Fund)}"  # noqa: S608 - names only


def fund_rows() -> list[FundRow]:
    """Every fund in its order, names in the reader's language (the overview's fund filter lists them)."""
    english = is_english()
    with connection.cursor() as cursor:
        cursor.execute(_funds_sql())
        funds = [_fund_row(english, v) for v in cursor.fetchall()]
    return sorted(funds, key=lambda fund: (fund.sort_order, fund.code))


# A budget line's source and category as plain values, read beside its amounts; the source's fund by its id (its
# name and order from the funds), or with them (`_SOURCE_FUND_FIELDS`).
_SOURCE_FIELDS = ("source__id", "source__name_zh", "source__name_en", "source__citation", "source__sort_order")
_SOURCE_FUND_FIELDS = ("source__fund_id", "source__fund__name_zh", "source__fund__name_en", "source__fund__sort_order")
_CATEGORY_FIELDS = ("category_id", "category__name_zh", "category__name_en", "category__sort_order")


class _Rows:
    """Each source and category of an overview built once, however many lines or years share it."""

    def __init__(self, funds: list[FundRow] | None = None) -> None:
        self.english = is_english()
        self.funds = {fund.pk: fund for fund in funds or ()}
        self.sources: dict[int, SourceRow] = {}
        self.categories: dict[str, CategoryRow] = {}

    def source(self, v: tuple[Any, ...], fund: tuple[Any, ...]) -> SourceRow:
        """The source of the values `v` (`_SOURCE_FIELDS`), of the fund `fund` (its id alone when the funds are
        known, else the values of `_SOURCE_FUND_FIELDS`)."""
        found = self.sources.get(v[0])
        if found is None:
            english = self.english
            known = self.funds.get(fund[0])
            if known is None and len(fund) == 1:  # a fund added since the caller read them: read them again
                self.funds.update((row.pk, row) for row in fund_rows())
                known = self.funds[fund[0]]
            fund_name, fund_order = (
                (known.name, known.sort_order) if known else (_in_language(english, fund[1], fund[2]), fund[3])
            )
            name = _in_language(english, v[1], v[2])
            found = self.sources[v[0]] = SourceRow(v[0], name, v[3], v[4], fund[0], fund_name, fund_order)
        return found

    def category(self, v: tuple[Any, ...]) -> CategoryRow:
        """The category of the values `v` (`_CATEGORY_FIELDS`)."""
        found = self.categories.get(v[0])
        if found is None:
            found = self.categories[v[0]] = CategoryRow(v[0], _in_language(self.english, v[1], v[2]), v[3])
        return found


def _source_key(source: SourceRow) -> tuple[int, int, int]:
    return (source.fund_sort_order, source.sort_order, source.pk)


_LINE_FIELDS = ("pk", "budgeted", "committed", "paid", "is_demo_allocation")


@functools.cache
def _lines_sql(*, by_fund: bool) -> str:
    """One year's budget lines (the parameter; then the fund's code, `by_fund`), each as the values of
    `_LINE_FIELDS`, its source's fund, `_SOURCE_FIELDS` and `_CATEGORY_FIELDS`. Written once as SQL: the ORM's
    building of it cost the ledger overview more than its rows."""
    columns = [f"b.{column(BudgetLine, name)}" for name in _LINE_FIELDS]
    columns.append(f"s.{column(FundSource, 'fund')}")
    columns.extend(f"s.{column(FundSource, name.removeprefix('source__'))}" for name in _SOURCE_FIELDS)
    columns.append(f"b.{column(BudgetLine, 'category')}")
    columns.extend(f"c.{column(UseCategory, name.removeprefix('category__'))}" for name in _CATEGORY_FIELDS[1:])
    sql = (
        f"SELECT {', '.join(columns)} FROM {table(BudgetLine)} b "  # noqa: S608 - names only
        f"JOIN {table(FundSource)} s ON s.{column(FundSource, 'id')} = b.{column(BudgetLine, 'source')} "
        f"JOIN {table(UseCategory)} c ON c.{column(UseCategory, 'code')} = b.{column(BudgetLine, 'category')}"
    )
    if by_fund:
        sql += f" JOIN {table(Fund)} f ON f.{column(Fund, 'id')} = s.{column(FundSource, 'fund')}"
    sql += f" WHERE b.{column(BudgetLine, 'year')} = %s"
    if by_fund:
        sql += f" AND f.{column(Fund, 'code')} = %s"
    return sql


def fund_overview(
    *, year: int, fund_code: str | None = None, sources_only: bool = False, funds: list[FundRow] | None = None
) -> FundOverview:
    """Budget, committed, paid and available per fund, source and use category for one year.

    The year's budget lines as plain values with their source and category, in one query (and the funds, unless
    the caller has them already: `funds`, as `fund_rows()` reads them); the totals are summed from the lines,
    exactly (Decimal, to the fen). `sources_only`: the totals by source and the total, nothing else (`funds`,
    `categories` and `lines` are left empty), summed by the database."""
    if sources_only:
        return _source_totals(year=year, fund_code=fund_code)
    n = len(_LINE_FIELDS) + 1  # and the source's fund
    s = n + len(_SOURCE_FIELDS)
    rows = _Rows(fund_rows() if funds is None else funds)
    with connection.cursor() as cursor:
        cursor.execute(_lines_sql(by_fund=bool(fund_code)), [year, fund_code] if fund_code else [year])
        found = cursor.fetchall()
    overview = FundOverview(year=year)
    sources: dict[int, Totals] = {}
    categories: dict[str, Totals] = {}
    for v in found:
        pk, budgeted, committed, paid, is_demo, fund_id = v[:n]
        budgeted, committed, paid, is_demo = from_fen(budgeted), from_fen(committed), from_fen(paid), bool(is_demo)
        source, category = rows.source(v[n:s], (fund_id,)), rows.category(v[s:])
        overview.lines.append(LineRow(pk, year, source, category, budgeted, committed, paid, is_demo))
        sources.setdefault(source.pk, Totals()).add(budgeted, committed, paid)
        categories.setdefault(category.pk, Totals()).add(budgeted, committed, paid)
    overview.lines.sort(key=lambda line: (*_source_key(line.source), line.category.sort_order, line.category.pk))
    overview.sources = sorted(((rows.sources[pk], t) for pk, t in sources.items()), key=lambda p: _source_key(p[0]))
    overview.categories = sorted(
        ((rows.categories[pk], t) for pk, t in categories.items()), key=lambda p: (p[0].sort_order, p[0].pk)
    )
    by_fund: dict[int, Totals] = {}
    for source, totals in overview.sources:  # a fund's totals are its sources'
        by_fund.setdefault(source.fund_id, Totals()).add(totals.budgeted, totals.committed, totals.paid)
        overview.total.add(totals.budgeted, totals.committed, totals.paid)
    overview.funds = sorted(
        ((rows.funds[pk], t) for pk, t in by_fund.items()), key=lambda p: (p[0].sort_order, p[0].code)
    )
    return overview


@functools.cache
def _source_sums_sql(*, by_fund: bool, by_year: bool) -> str:
    """Budget, committed and paid per year and source, summed by the database (of one fund, by its code, and of one
    year: the parameters in that order). Written once as SQL: the ORM's building of it cost the cockpit more than
    the rest of its fund card."""
    year, source_id = f"b.{column(BudgetLine, 'year')}", f"b.{column(BudgetLine, 'source')}"
    sums = ", ".join(f"SUM(b.{column(BudgetLine, name)})" for name in ("budgeted", "committed", "paid"))
    sql = f"SELECT {year}, {source_id}, {sums} FROM {table(BudgetLine)} b"  # noqa: S608 - names only
    where = []
    if by_fund:
        sql += (
            f" JOIN {table(FundSource)} s ON s.{column(FundSource, 'id')} = {source_id}"
            f" JOIN {table(Fund)} f ON f.{column(Fund, 'id')} = s.{column(FundSource, 'fund')}"
        )
        where.append(f"f.{column(Fund, 'code')} = %s")
    if by_year:
        where.append(f"{year} = %s")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return f"{sql} GROUP BY {year}, {source_id}"


@functools.cache
def _sources_sql() -> str:
    """Every source with its fund, as `_SOURCE_FIELDS` and `_SOURCE_FUND_FIELDS` name them."""
    columns = [f"s.{column(FundSource, name.removeprefix('source__'))}" for name in _SOURCE_FIELDS]
    columns.append(f"s.{column(FundSource, 'fund')}")
    columns.extend(f"f.{column(Fund, name)}" for name in ("name_zh", "name_en", "sort_order"))
    return (
        f"SELECT {', '.join(columns)} FROM {table(FundSource)} s "  # noqa: S608 - names only
        f"JOIN {table(Fund)} f ON f.{column(Fund, 'id')} = s.{column(FundSource, 'fund')}"
    )


def _money_sum(fen: int | Decimal | None) -> Decimal:
    """A sum of a money column as the database gives it (integer fen; numeric on PostgreSQL), as `MoneyField` reads
    it; no lines, zero."""
    return ZERO if fen is None else from_fen(fen)


def _sources_by_year(*, year: int | None = None, fund_code: str | None = None) -> dict[int, FundOverview]:
    """Per year with budget lines (only `year` if given): the totals by source and the total, summed by the
    database (grouped by year and source, a row each), with the sources and their funds read beside."""
    params: list[str | int] = []
    if fund_code:
        params.append(fund_code)
    if year is not None:
        params.append(year)
    with connection.cursor() as cursor:
        cursor.execute(_source_sums_sql(by_fund=bool(fund_code), by_year=year is not None), params)
        sums = cursor.fetchall()
        if not sums:
            return {}
        cursor.execute(_sources_sql())
        found = cursor.fetchall()
    rows = _Rows()
    n = len(_SOURCE_FIELDS)
    sources = {v[0]: rows.source(v[:n], v[n:]) for v in found}
    years: dict[int, FundOverview] = {}
    for row_year, source_id, b, c, p in sums:
        overview = years.get(row_year)
        if overview is None:
            overview = years[row_year] = FundOverview(year=row_year)
        totals = Totals(_money_sum(b), _money_sum(c), _money_sum(p))
        overview.sources.append((sources[source_id], totals))
        overview.total.add(totals.budgeted, totals.committed, totals.paid)
    for overview in years.values():
        overview.sources.sort(key=lambda p: _source_key(p[0]))
    return years


def _source_totals(*, year: int, fund_code: str | None) -> FundOverview:
    return _sources_by_year(year=year, fund_code=fund_code).get(year) or FundOverview(year=year)


def fund_by_source_of_budget_year(*, on_or_before: int) -> FundOverview | None:
    """The totals by source (as `fund_overview(sources_only=True)`) of the latest budget year up to `on_or_before`,
    or of the latest budget year if all are after it; None without any budget. One query for the years and the
    totals (the cockpit's fund card)."""
    years = _sources_by_year()
    if not years:
        return None
    return years[max((y for y in years if y <= on_or_before), default=max(years))]


def budget_line_entries(*, budget_line_id: int) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(budget_line_id=budget_line_id)
        .select_related("commitment__application", "actor", "reverses")
        .order_by("id")
    )


def application_ledger(*, application_id: int) -> list[LedgerEntry]:
    """Every entry of every commitment of one application, oldest first."""
    return list(
        LedgerEntry.objects.filter(commitment__application_id=application_id)
        .select_related("budget_line__source__fund", "budget_line__category", "commitment", "actor", "reverses")
        .order_by("id")
    )


def application_payments(*, application_id: int) -> list[LedgerEntry]:
    """What an applicant may see of the ledger: the payments of its application and their reversals."""
    return list(
        LedgerEntry.objects.filter(commitment__application_id=application_id)
        .filter(Q(kind=EntryKind.PAYMENT) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT))
        .select_related("reverses")
        .order_by("id")
    )


def application_commitments(*, application_id: int) -> list[Commitment]:
    return list(
        Commitment.objects.filter(application_id=application_id)
        .select_related("budget_line__source__fund", "budget_line__category")
        .order_by("id")
    )


def live_commitment(*, application_id: int) -> Commitment | None:
    """The application's commitment that is not released (at most one: a database constraint)."""
    return (
        Commitment.objects.filter(application_id=application_id)
        .exclude(status=CommitmentStatus.RELEASED)
        .select_related("budget_line__source__fund", "budget_line__category")
        .first()
    )


def application_paid_total(*, application_id: int) -> Decimal:
    total = Commitment.objects.filter(application_id=application_id).aggregate(s=Sum("paid"))["s"]
    return total if total is not None else ZERO


# --- monthly statement ----------------------------------------------------------------------------------


@dataclass
class Statement:
    year: int
    month: int
    starts: datetime
    ends: datetime
    opening: Totals
    closing: Totals
    movements: dict[str, Decimal]
    entries: QuerySet[LedgerEntry]  # lazy: the page shows one page of it, the export streams it
    fund: Fund | None


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    starts = datetime.combine(date(year, month, 1), time.min, tzinfo=tz)
    last = calendar.monthrange(year, month)[1]
    ends = datetime.combine(date(year, month, last), time.max, tzinfo=tz)
    return starts, ends


def _sum_deltas(entries: QuerySet[LedgerEntry]) -> Totals:
    sums = entries.aggregate(b=Sum("delta_budgeted"), c=Sum("delta_committed"), p=Sum("delta_paid"))
    return Totals(sums["b"] or ZERO, sums["c"] or ZERO, sums["p"] or ZERO)


def monthly_statement(*, year: int, month: int, fund_code: str | None = None) -> Statement:
    """Entries recorded in one month (Asia/Shanghai), with the balances before and after, summed from entries."""
    starts, ends = _month_bounds(year, month)
    entries = LedgerEntry.objects.all()
    fund = None
    if fund_code:
        fund = Fund.objects.filter(code=fund_code).first()
        entries = entries.filter(budget_line__source__fund__code=fund_code)
    opening = _sum_deltas(entries.filter(created_at__lt=starts))
    in_month = entries.filter(created_at__gte=starts, created_at__lte=ends)
    movement = _sum_deltas(in_month)
    closing = Totals(
        opening.budgeted + movement.budgeted,
        opening.committed + movement.committed,
        opening.paid + movement.paid,
    )
    by_kind = {kind: ZERO for kind in EntryKind.values}
    for row in in_month.values("kind").annotate(total=Sum("amount")):
        by_kind[row["kind"]] = row["total"]
    rows = in_month.select_related(
        "budget_line__source__fund", "budget_line__category", "commitment__application", "actor", "reverses"
    ).order_by("created_at", "id")
    return Statement(year, month, starts, ends, opening, closing, by_kind, rows, fund)


def current_month() -> tuple[int, int]:
    now = timezone.localtime()
    return now.year, now.month


# --- reconciliation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    kind: str
    object_id: int
    field: str
    stored: Decimal
    from_entries: Decimal


def ledger_reconcile() -> list[Mismatch]:
    """Every stored running total that differs from the sum of its entries (empty list: the ledger agrees)."""
    problems: list[Mismatch] = []
    sums = {
        row["budget_line_id"]: row
        for row in LedgerEntry.objects.values("budget_line_id").annotate(
            b=Sum("delta_budgeted"), c=Sum("delta_committed"), p=Sum("delta_paid")
        )
    }
    for line in BudgetLine.objects.all().only("budgeted", "committed", "paid"):
        row = sums.get(line.pk, {"b": ZERO, "c": ZERO, "p": ZERO})
        for name, key in (("budgeted", "b"), ("committed", "c"), ("paid", "p")):
            expected = row[key] or ZERO
            if getattr(line, name) != expected:
                problems.append(Mismatch("budget_line", line.pk, name, getattr(line, name), expected))
    by_commitment: dict[int, dict[str, Decimal]] = {}
    for entry in LedgerEntry.objects.exclude(commitment=None).values(
        "commitment_id", "kind", "amount", "reverses__kind"
    ):
        acc = by_commitment.setdefault(entry["commitment_id"], {"amount": ZERO, "paid": ZERO, "released": ZERO})
        kind, amount = entry["kind"], entry["amount"]
        if kind == EntryKind.COMMITMENT:
            acc["amount"] += amount
        elif kind == EntryKind.PAYMENT:
            acc["paid"] += amount
        elif kind == EntryKind.RELEASE:
            acc["released"] += amount
        elif kind == EntryKind.REVERSAL and entry["reverses__kind"] == EntryKind.PAYMENT:
            acc["paid"] -= amount
        elif kind == EntryKind.REVERSAL and entry["reverses__kind"] == EntryKind.RELEASE:
            acc["released"] -= amount
    for commitment in Commitment.objects.all().only("amount", "paid", "released"):
        acc = by_commitment.get(commitment.pk, {"amount": ZERO, "paid": ZERO, "released": ZERO})
        for name in ("amount", "paid", "released"):
            if getattr(commitment, name) != acc[name]:
                problems.append(Mismatch("commitment", commitment.pk, name, getattr(commitment, name), acc[name]))
    return problems


@dataclass
class Reconciliation:
    """Payments (and reversals of payments) by bank date, for reconciliation with the bank's statement.
    `total` is the change to the amount paid in the period: it equals the ledger's own sum of `delta_paid`."""

    date_from: date
    date_to: date
    entries: list[LedgerEntry]
    total: Decimal
    ledger_total: Decimal


def bank_date(entry: LedgerEntry) -> date:
    """The day the money moved: the payment date finance recorded, else the day the entry was recorded."""
    if entry.paid_on is not None:
        return entry.paid_on
    return timezone.localtime(entry.created_at).date()


def reconciliation(*, date_from: date, date_to: date) -> Reconciliation:
    starts = datetime.combine(date_from, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    ends = datetime.combine(date_to, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))
    by_recorded = Q(created_at__gte=starts, created_at__lte=ends)
    payments = Q(kind=EntryKind.PAYMENT) & (
        Q(paid_on__gte=date_from, paid_on__lte=date_to) | (Q(paid_on=None) & by_recorded)
    )
    reversals = Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.PAYMENT) & by_recorded
    rows = list(
        LedgerEntry.objects.filter(payments | reversals)
        .select_related("budget_line__source__fund", "commitment__application", "actor", "reverses")
        .order_by("created_at", "id")
    )
    rows.sort(key=lambda e: (bank_date(e), e.pk))
    total = to_money(sum((e.delta_paid for e in rows), ZERO))
    # The ledger's own figure for the same entries, summed by the database (the export's check line).
    ledger_total = to_money(
        LedgerEntry.objects.filter(pk__in=[e.pk for e in rows]).aggregate(p=Sum("delta_paid"))["p"] or ZERO
    )
    return Reconciliation(date_from, date_to, rows, total, ledger_total)


@dataclass(frozen=True)
class UnauditedEntry:
    entry_id: int
    reason: str


def entries_without_their_audit_event() -> list[UnauditedEntry]:
    """Entries not tied to an audit event that records them (kind, line and amount), oldest first.

    An entry written through the services always has one (written first, in the same transaction), and the
    event's keyed hash is held by `waibao audit verify`: an entry inserted by hand has none, or borrows one that
    says something else.
    """
    problems: list[UnauditedEntry] = []
    rows = LedgerEntry.objects.select_related("audit_event").order_by("id")
    for entry in rows.iterator(chunk_size=2000):
        event = entry.audit_event
        if event is None:
            problems.append(UnauditedEntry(entry.pk, "has no audit event"))
            continue
        data = event.data if isinstance(event.data, dict) else {}
        if event.action != f"ledger.{entry.kind}":
            problems.append(UnauditedEntry(entry.pk, f"its audit event {event.pk} records {event.action}"))
        elif "amount" in data and Decimal(str(data["amount"])) != entry.amount:
            problems.append(UnauditedEntry(entry.pk, f"its audit event {event.pk} records {data['amount']}"))
        elif "budget_line_id" in data and data["budget_line_id"] != entry.budget_line_id:
            problems.append(UnauditedEntry(entry.pk, f"its audit event {event.pk} records another budget line"))
    return problems
