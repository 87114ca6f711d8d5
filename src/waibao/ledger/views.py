"""Fund pages for the programme office and finance: overview, budget lines, commitments, statements, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from waibao.accounts.access import role_required
from waibao.accounts.models import Role
from waibao.audit.selectors import history_for
from waibao.common.errors import DomainError
from waibao.common.forms import add_domain_error
from waibao.common.tabular import xlsx_bytes, xlsx_response
from waibao.ledger.access import (
    READ_ROLES,
    access_application_ledger,
    access_budget_line,
    access_commitment,
    access_entry,
    can_write_ledger,
)
from waibao.ledger.forms import BudgetForm, PaymentForm, ReconciliationForm, ReleaseForm, ReverseForm, StatementForm
from waibao.ledger.models import Commitment, EntryKind, LedgerEntry
from waibao.ledger.owners import CommitmentOwner, commitment_owner
from waibao.ledger.selectors import (
    FundOverview,
    Reconciliation,
    application_commitments,
    application_ledger,
    bank_date,
    budget_line_entries,
    budget_years,
    current_month,
    fund_overview,
    fund_rows,
    monthly_statement,
    reconciliation,
    totals_by_year,
)
from waibao.ledger.services import (
    RELEASE_ROLES,
    PaymentRecord,
    budget_allocate,
    commitment_release,
    entry_reverse,
    payment_create,
)

READERS = tuple(READ_ROLES)
PAGE_SIZE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _entry_headers() -> list[str]:
    return [
        _("Entry"),
        _("Recorded at"),
        _("Kind"),
        pgettext("ledger", "Fund"),
        _("Source"),
        _("Use category"),
        _("Year"),
        _("Commitment"),
        _("Application"),
        _("Amount (CNY)"),
        _("Change to budget"),
        _("Change to committed"),
        _("Change to paid"),
        _("Reverses entry"),
        _("Reason"),
        _("Recorded by"),
        _("Voucher number"),
        _("Payment date"),
        _("Payee account"),
        _("Bank reference"),
    ]


def _entry_row(e: LedgerEntry) -> list[Any]:
    line = e.budget_line
    return [
        e.pk,
        timezone.localtime(e.created_at),
        e.get_kind_display(),
        line.source.fund.name,
        line.source.name,
        line.category.name,
        line.year,
        e.commitment_id or "",
        e.commitment.application_id if e.commitment else "",
        e.amount,
        e.delta_budgeted,
        e.delta_committed,
        e.delta_paid,
        e.reverses_id or "",
        gettext_or_text(e.reason),
        str(e.actor) if e.actor else _("system"),
        e.voucher_number,
        e.paid_on or "",
        e.payee_account_masked,
        e.bank_reference,
    ]


def gettext_or_text(text: str) -> str:
    """A stored reason: the data set's own words are translated, a person's are shown as written."""
    return _(text) if text else ""


def _year(request: HttpRequest, years: list[int] | None = None) -> tuple[int, list[int]]:
    """The year asked for (this year, or the latest with a budget), and every year with budget lines (`years`
    when the caller has them already)."""
    years = budget_years() if years is None else years
    today = timezone.localdate().year
    default = today if today in years or not years else years[-1]
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    if not 1990 <= year <= 2200:
        year = default
    return year, years


def _chart(overview: FundOverview) -> dict[str, Any]:
    """Series for the ECharts bar chart (amounts as strings: the browser only draws them)."""
    return {
        "categories": [c.name for c, _t in overview.categories],
        "series": [
            {"name": _("Paid"), "data": [str(t.paid) for _c, t in overview.categories]},
            {"name": _("Committed (open)"), "data": [str(t.committed) for _c, t in overview.categories]},
            {"name": _("Available"), "data": [str(t.available) for _c, t in overview.categories]},
        ],
        "sources": [s.name for s, _t in overview.sources],
        "source_series": [
            {"name": _("Paid"), "data": [str(t.paid) for _s, t in overview.sources]},
            {"name": _("Committed (open)"), "data": [str(t.committed) for _s, t in overview.sources]},
            {"name": _("Available"), "data": [str(t.available) for _s, t in overview.sources]},
        ],
    }


@role_required(*READERS)
def overview(request: HttpRequest) -> HttpResponse:
    fund_code = request.GET.get("fund") or None
    by_year = totals_by_year(fund_code=fund_code)
    # Without a fund filter, the years of the totals are every budget year: no second query for them.
    year, years = _year(request, None if fund_code else [y for y, _totals in by_year])
    funds = fund_rows()  # the filter's choices, and the overview's funds
    data = fund_overview(year=year, fund_code=fund_code, funds=funds)
    return render(
        request,
        "ledger/overview.html",
        {
            "overview": data,
            "year": str(year),  # text: the page shows it as written (no number formatting) and marks it chosen
            "years": [(y, y) for y in years],
            "funds": [(fund.code, fund.name) for fund in funds],
            "fund_code": fund_code or "",
            "chart": _chart(data),
            "by_year": by_year,
        },
    )


@role_required(*READERS)
def overview_export(request: HttpRequest) -> HttpResponse:
    year, _years = _year(request)
    data = fund_overview(year=year, fund_code=request.GET.get("fund") or None)
    money_headers = [_("Budget (CNY)"), _("Committed, open (CNY)"), _("Paid (CNY)"), _("Available (CNY)")]

    def totals(t: Any) -> list[Any]:
        return [t.budgeted, t.committed, t.paid, t.available]

    content = xlsx_bytes(
        [
            (
                _("By source"),
                [pgettext("ledger", "Fund"), _("Source"), *money_headers],
                [[s.fund_name, s.name, *totals(t)] for s, t in data.sources],
            ),
            (
                _("By use category"),
                [_("Use category"), *money_headers],
                [[c.name, *totals(t)] for c, t in data.categories],
            ),
            (
                _("Budget lines"),
                [
                    _("Budget line"),
                    _("Year"),
                    pgettext("ledger", "Fund"),
                    _("Source"),
                    _("Use category"),
                    *money_headers,
                    _("Demo allocation"),
                ],
                [
                    [
                        line.pk,
                        line.year,
                        line.source.fund_name,
                        line.source.name,
                        line.category.name,
                        line.budgeted,
                        line.committed,
                        line.paid,
                        line.available,
                        _("yes") if line.is_demo_allocation else _("no"),
                    ]
                    for line in data.lines
                ],
            ),
        ]
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="fund-overview-{year}.xlsx"'
    return response


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _line_context(request: HttpRequest, line: Any, form: BudgetForm | None) -> dict[str, Any]:
    return {
        "line": line,
        "page": _page(request, budget_line_entries(budget_line_id=line.pk).order_by("-id")),
        "query": _query_without_page(request),
        "commitments": Commitment.objects.filter(budget_line=line)
        .select_related("application")
        .order_by("-id")[:PAGE_SIZE],
        "commitment_count": Commitment.objects.filter(budget_line=line).count(),
        "budget_form": form,
    }


@role_required(*READERS)
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access_budget_line(request.user, line_id)
    form = BudgetForm(user=request.user) if can_write_ledger(request.user) else None
    return render(request, "ledger/line_detail.html", _line_context(request, line, form))


@role_required(*READERS)
def line_export(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access_budget_line(request.user, line_id)
    rows = (
        _entry_row(e)
        for e in budget_line_entries(budget_line_id=line.pk).select_related(
            "budget_line__source__fund", "budget_line__category"
        )
    )
    return xlsx_response(f"budget-line-{line.pk}.xlsx", _entry_headers(), rows)


@require_POST
@role_required(Role.FINANCE_OFFICER)
def line_budget(request: HttpRequest, line_id: int) -> HttpResponse:
    line = access_budget_line(request.user, line_id, write=True)
    form = BudgetForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            budget_allocate(
                acting_user=request.user,  # type: ignore[arg-type]
                budget_line=line,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Budget added."))
            return redirect("ledger:line", line_id=line.pk)
    return render(request, "ledger/line_detail.html", _line_context(request, line, form), status=400)


def _commitment_context(request: HttpRequest, commitment: Commitment, **forms: Any) -> dict[str, Any]:
    writer = can_write_ledger(request.user)
    releaser = getattr(request.user, "role", None) in RELEASE_ROLES
    entries = list(LedgerEntry.objects.filter(commitment=commitment).select_related("actor", "reverses").order_by("id"))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    return {
        "commitment": commitment,
        "entries": entries,
        "reversible": {
            e.pk
            for e in entries
            if writer and e.kind in (EntryKind.PAYMENT, EntryKind.RELEASE) and e.pk not in reversed_ids
        },
        "payment_form": forms.get("payment_form", PaymentForm(user=request.user)) if writer else None,
        "release_form": forms.get("release_form", ReleaseForm(user=request.user)) if releaser else None,
        "reverse_form": ReverseForm() if writer else None,
    }


@role_required(*READERS)
def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = access_commitment(request.user, commitment_id)
    return render(request, "ledger/commitment_detail.html", _commitment_context(request, commitment))


def _owned(commitment: Commitment | None) -> CommitmentOwner | None:
    """The owner of the commitment's record (the applications area) when there is one: its services move the
    money through the ledger and its own status in one transaction."""
    if commitment is None or getattr(commitment, "application_id", None) is None:
        return None
    return commitment_owner()


def _pay(request: HttpRequest, commitment: Commitment, amount: Any, key: str, record: PaymentRecord) -> None:
    owner = _owned(commitment)
    if owner is not None:
        owner.pay(acting_user=request.user, commitment=commitment, amount=amount, idempotency_key=key, record=record)
    else:
        payment_create(
            acting_user=request.user,  # type: ignore[arg-type]
            commitment=commitment,
            amount=amount,
            idempotency_key=key,
            record=record,
        )


def _release(request: HttpRequest, commitment: Commitment, data: dict[str, Any]) -> None:
    owner = _owned(commitment)
    release: Callable[..., Any] = owner.release if owner is not None else commitment_release
    release(
        acting_user=request.user,
        commitment=commitment,
        amount=data["amount"],
        reason=data["reason"],
        idempotency_key=data["idempotency_key"],
    )


def _reverse(request: HttpRequest, entry: Any, reason: str) -> Any:
    owner = _owned(entry.commitment if entry.commitment_id else None)
    if owner is not None:
        return owner.reverse(acting_user=request.user, entry=entry, reason=reason)
    return entry_reverse(acting_user=request.user, entry=entry, reason=reason)  # type: ignore[arg-type]


@require_POST
@role_required(Role.FINANCE_OFFICER)
def commitment_pay(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = access_commitment(request.user, commitment_id, write=True)
    form = PaymentForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            _pay(
                request,
                commitment,
                form.cleaned_data["amount"],
                form.cleaned_data["idempotency_key"],
                form.payment_record(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("ledger:commitment", commitment_id=commitment.pk)
    commitment.refresh_from_db()
    return render(
        request,
        "ledger/commitment_detail.html",
        _commitment_context(request, commitment, payment_form=form),
        status=400,
    )


@require_POST
@role_required(Role.FINANCE_OFFICER, Role.PROGRAMME_OFFICE)
def commitment_release_view(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = access_commitment(request.user, commitment_id)
    form = ReleaseForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            _release(request, commitment, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Released."))
            return redirect("ledger:commitment", commitment_id=commitment.pk)
    commitment.refresh_from_db()
    return render(
        request,
        "ledger/commitment_detail.html",
        _commitment_context(request, commitment, release_form=form),
        status=400,
    )


@require_POST
@role_required(Role.FINANCE_OFFICER)
def entry_reverse_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_entry(request.user, entry_id, write=True)
    form = ReverseForm(request.POST)
    target = (
        redirect("ledger:commitment", commitment_id=entry.commitment_id)
        if entry.commitment_id
        else redirect("ledger:line", line_id=entry.budget_line_id)
    )
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return target
    try:
        reversal = _reverse(request, entry, form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Entry %(id)s reversed by entry %(rev)s.") % {"id": entry.pk, "rev": reversal.pk})
    return target


@role_required(*READERS)
def application_view(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application_ledger(request.user, application_id)
    return render(
        request,
        "ledger/application.html",
        {
            "application": application,
            "commitments": application_commitments(application_id=application.pk),
            "entries": application_ledger(application_id=application.pk),
            "history": history_for(application).filter(action__startswith="ledger.")[:200],
        },
    )


@role_required(*READERS)
def application_export(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application_ledger(request.user, application_id)
    rows = [_entry_row(e) for e in application_ledger(application_id=application.pk)]
    return xlsx_response(f"application-{application.pk}-ledger.xlsx", _entry_headers(), rows)


def _statement_args(request: HttpRequest) -> tuple[StatementForm, int, int, str | None]:
    year, month = current_month()
    form = StatementForm(request.GET or None, initial={"month": date(year, month, 1)})
    fund_code = None
    if request.GET and form.is_valid():
        chosen = form.cleaned_data["month"]
        year, month = chosen.year, chosen.month
        fund_code = form.cleaned_data["fund"] or None
    return form, year, month, fund_code


@role_required(*READERS)
def statement(request: HttpRequest) -> HttpResponse:
    form, year, month, fund_code = _statement_args(request)
    data = monthly_statement(year=year, month=month, fund_code=fund_code)
    return render(
        request,
        "ledger/statement.html",
        {
            "form": form,
            "statement": data,
            "page": _page(request, data.entries),
            "query": _query_without_page(request),
            "kinds": EntryKind.choices,
        },
    )


@role_required(*READERS)
def statement_export(request: HttpRequest) -> HttpResponse:
    _form, year, month, fund_code = _statement_args(request)
    data = monthly_statement(year=year, month=month, fund_code=fund_code)
    balance_headers = [
        _("Balance"),
        _("Budget (CNY)"),
        _("Committed, open (CNY)"),
        _("Paid (CNY)"),
        _("Available (CNY)"),
    ]
    balances = [
        [_("Opening"), data.opening.budgeted, data.opening.committed, data.opening.paid, data.opening.available],
        [_("Closing"), data.closing.budgeted, data.closing.committed, data.closing.paid, data.closing.available],
    ]
    content = xlsx_bytes(
        [
            (_("Balances"), balance_headers, balances),
            (_("Entries"), _entry_headers(), (_entry_row(e) for e in data.entries.iterator(chunk_size=2000))),
        ]
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-statement-{year}-{month:02d}.xlsx"'
    return response


@role_required(*READERS)
def reconciliation_view(request: HttpRequest) -> HttpResponse:
    """Payments by bank date with their voucher, payee and bank reference, and the total the bank must show."""
    today = timezone.localdate()
    form = ReconciliationForm(request.GET or None, initial={"date_from": today.replace(day=1), "date_to": today})
    data = None
    if request.GET and form.is_valid():
        data = reconciliation(date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])
        if request.GET.get("format") == "xlsx":
            return _reconciliation_export(data)
    elif not request.GET:
        data = reconciliation(date_from=today.replace(day=1), date_to=today)
    return render(request, "ledger/reconciliation.html", {"form": form, "data": data, "query": request.GET.urlencode()})


def _reconciliation_export(data: Reconciliation) -> HttpResponse:
    headers = [
        _("Payment date"),
        _("Voucher number"),
        _("Kind"),
        _("Payee account"),
        _("Bank reference"),
        _("Application"),
        pgettext("ledger", "Fund"),
        _("Amount paid (CNY)"),
        _("Entered by"),
        _("Entry"),
    ]
    rows: list[list[Any]] = [
        [
            bank_date(e),
            e.voucher_number or (e.reverses.voucher_number if e.reverses else ""),
            e.get_kind_display(),
            e.payee_account or (e.reverses.payee_account if e.reverses else ""),
            e.bank_reference,
            e.commitment.application_id if e.commitment and e.commitment.application_id else "",
            e.budget_line.source.fund.name,
            e.delta_paid,
            str(e.actor) if e.actor else _("system"),
            e.pk,
        ]
        for e in data.entries
    ]
    rows.append([_("Total"), "", "", "", "", "", "", data.total, "", ""])
    rows.append([_("Ledger total (check)"), "", "", "", "", "", "", data.ledger_total, "", ""])
    content = xlsx_bytes([(_("Bank reconciliation"), headers, rows)])
    response = HttpResponse(content, content_type=XLSX)
    name = f"bank-reconciliation-{data.date_from.isoformat()}-{data.date_to.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
