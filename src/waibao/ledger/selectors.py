"""Reading the ledger: fund overview, budget lines, one application's ledger, monthly statements, reconciliation."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from waibao.common.money import ZERO, to_money
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
class FundOverview:
    year: int
    funds: list[tuple[Fund, Totals]] = field(default_factory=list)
    sources: list[tuple[FundSource, Totals]] = field(default_factory=list)
    categories: list[tuple[UseCategory, Totals]] = field(default_factory=list)
    lines: list[BudgetLine] = field(default_factory=list)
    total: Totals = field(default_factory=Totals)


def budget_years() -> list[int]:
    return sorted(set(BudgetLine.objects.values_list("year", flat=True)))


def totals_by_year(*, fund_code: str | None = None) -> list[tuple[int, Totals]]:
    """Budget, committed, paid and available per year (all years with budget lines)."""
    lines = BudgetLine.objects.all()
    if fund_code:
        lines = lines.filter(source__fund__code=fund_code)
    rows = lines.values("year").annotate(b=Sum("budgeted"), c=Sum("committed"), p=Sum("paid")).order_by("year")
    return [(row["year"], Totals(row["b"] or ZERO, row["c"] or ZERO, row["p"] or ZERO)) for row in rows]


def budget_line_available(*, budget_line_id: int) -> Decimal:
    line = BudgetLine.objects.only("budgeted", "committed", "paid").get(pk=budget_line_id)
    return line.available


def fund_overview(*, year: int, fund_code: str | None = None, sources_only: bool = False) -> FundOverview:
    """Budget, committed, paid and available per fund, source and use category for one year.

    `sources_only`: the totals by source and the total, nothing else (`funds`, `categories` and `lines` are left
    empty), summed by the database in one grouped query. For the cockpit, which shows only those: building the
    year's budget lines with their source, fund and category costs four models a line."""
    if sources_only:
        return _source_totals(year=year, fund_code=fund_code)
    lines = BudgetLine.objects.filter(year=year).select_related("source__fund", "category")
    if fund_code:
        lines = lines.filter(source__fund__code=fund_code)
    overview = FundOverview(year=year, lines=list(lines))
    funds: dict[int, tuple[Fund, Totals]] = {}
    sources: dict[int, tuple[FundSource, Totals]] = {}
    categories: dict[str, tuple[UseCategory, Totals]] = {}
    for line in overview.lines:
        values = (line.budgeted, line.committed, line.paid)
        funds.setdefault(line.source.fund_id, (line.source.fund, Totals()))[1].add(*values)
        sources.setdefault(line.source_id, (line.source, Totals()))[1].add(*values)
        categories.setdefault(line.category_id, (line.category, Totals()))[1].add(*values)
        overview.total.add(*values)
    overview.funds = sorted(funds.values(), key=lambda p: (p[0].sort_order, p[0].code))
    overview.sources = sorted(sources.values(), key=lambda p: (p[0].fund.sort_order, p[0].sort_order))
    overview.categories = sorted(categories.values(), key=lambda p: (p[0].sort_order, p[0].code))
    return overview


def _source_totals(*, year: int, fund_code: str | None) -> FundOverview:
    sources = FundSource.objects.filter(lines__year=year)
    if fund_code:
        sources = sources.filter(fund__code=fund_code)
    found = sources.annotate(b=Sum("lines__budgeted"), c=Sum("lines__committed"), p=Sum("lines__paid")).order_by(
        "fund__sort_order", "sort_order", "pk"
    )
    overview = FundOverview(year=year)
    for source in found:
        totals = Totals(source.b, source.c, source.p)
        overview.sources.append((source, totals))
        overview.total.add(totals.budgeted, totals.committed, totals.paid)
    return overview


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
