"""Statistics pages: enterprise entry, review queue, indicator dashboard, goal, public figures, rates."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import OFFICE, STAFF, role_required
from waibao.accounts.models import Role
from waibao.audit.selectors import history_for
from waibao.common import public_cache
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.forms import add_domain_error
from waibao.common.i18n import is_english
from waibao.common.labels import label
from waibao.common.tabular import xlsx_bytes
from waibao.jobs.services import job_submit
from waibao.registry.access import access_enterprise
from waibao.registry.forms import ImportForm
from waibao.registry.models import Enterprise, ServiceCategory, Zone
from waibao.registry.selectors import filter_options
from waibao.statistics import jobs as statistics_jobs
from waibao.statistics import services
from waibao.statistics.access import (
    access_contract,
    access_execution,
    access_staffing_report,
    can_file,
    can_review,
    check_figures_zone,
    figures_zone,
    is_reviewer,
)
from waibao.statistics.conf import check_year_in_range, cutoff_date, parameters, software_category_codes
from waibao.statistics.conf import today as local_today
from waibao.statistics.disclosure import public_figures, withheld_note
from waibao.statistics.forms import (
    ActionForm,
    ContractForm,
    ExecutionForm,
    ParametersForm,
    RateForm,
    StaffingForm,
)
from waibao.statistics.models import Contract, ExchangeRate, Execution, RecordStatus, StaffingReport
from waibao.statistics.selectors import (
    AMOUNT_FIELDS,
    BY_CHOICES,
    IndicatorFilters,
    IndicatorRow,
    StaffingRow,
    enterprises_reporting,
    goal_progress,
    indicators,
    latest_data_date,
    review_queue,
    staffing_indicators,
    status_counts,
    total_of,
)
from waibao.statistics.workflow import EDITABLE, RECORD_WORKFLOW

KINDS: dict[str, Any] = {
    "contract": Contract,
    "execution": Execution,
    "staffing": StaffingReport,
}
ACCESS: dict[str, Any] = {
    "contract": access_contract,
    "execution": access_execution,
    "staffing": access_staffing_report,
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> Any:
    return request.user


def _login_or(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return None


def _actions_for(request: HttpRequest, record: Any) -> list[Any]:
    user = _user(request)
    out = []
    for transition in RECORD_WORKFLOW.available(state=record.status, role=user.role):
        if transition.name in ("approve", "return"):
            if can_review(user, record.enterprise):
                out.append(transition)
        elif can_file(user, record.enterprise_id):
            out.append(transition)
    return out


# --- the enterprise's own records --------------------------------------------------------------------


def _enterprise_for(request: HttpRequest) -> Enterprise:
    user = _user(request)
    if user.role == Role.ENTERPRISE:
        return access_enterprise(user, user.enterprise_id)
    enterprise_id = request.GET.get("enterprise") or request.POST.get("enterprise")
    if not enterprise_id:
        raise NotFoundError(_("Choose an enterprise first (from its page in the registry)."))
    return access_enterprise(user, enterprise_id)


@role_required(Role.ENTERPRISE, *STAFF)
def my_records(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise_for(request)
    staffing = list(StaffingReport.objects.filter(enterprise=enterprise).select_related("enterprise")[:120])
    for report in staffing:
        report.actions = _actions_for(request, report)  # type: ignore[attr-defined]
    context = {
        "enterprise": enterprise,
        "contracts": Contract.objects.filter(enterprise=enterprise).select_related("category")[:500],
        "executions": Execution.objects.filter(enterprise=enterprise).select_related("contract")[:500],
        "staffing": staffing,
        "can_file": can_file(_user(request), enterprise.pk),
        "editable": EDITABLE,
        "query": f"?enterprise={enterprise.pk}" if _user(request).role != Role.ENTERPRISE else "",
    }
    return render(request, "statistics/my_records.html", context)


@role_required(Role.ENTERPRISE, Role.PROGRAMME_OFFICE)
@require_POST
def submit_selected(request: HttpRequest) -> HttpResponse:
    """Submit the ticked drafts of one's own enterprise in one go."""
    enterprise = _enterprise_for(request)
    records: list[Any] = []
    for kind, model in KINDS.items():
        ids = [int(i) for i in request.POST.getlist(kind) if i.isdigit()]
        records.extend(model.objects.filter(enterprise=enterprise, pk__in=ids))
    result = services.records_transition(acting_user=_user(request), records=records, action="submit")
    _report_bulk(request, result)
    return redirect(reverse("statistics:my_records") + _enterprise_query(request, enterprise))


def _enterprise_query(request: HttpRequest, enterprise: Enterprise) -> str:
    return "" if _user(request).role == Role.ENTERPRISE else f"?enterprise={enterprise.pk}"


def _report_bulk(request: HttpRequest, result: services.BulkResult) -> None:
    if result.done:
        messages.success(request, _("%(count)d record(s) done.") % {"count": result.done})
    for record, message in result.errors[:20]:
        messages.error(request, f"{record}: {message}")
    if not result.done and not result.errors:
        messages.warning(request, _("Nothing was selected."))


def _form_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"statistics/{template}", context)


@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, contract_id: int | None = None) -> HttpResponse:
    if (login := _login_or(request)) is not None:
        return login
    contract = access_contract(request.user, contract_id, write=True) if contract_id is not None else None
    enterprise = contract.enterprise if contract else _enterprise_for(request)
    if not can_file(request.user, enterprise.pk):
        raise PermissionDeniedError()
    initial = {}
    if contract:
        initial = {f: getattr(contract, f) for f in services.CONTRACT_FIELDS}
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.contract_save(
                acting_user=_user(request), enterprise=enterprise, contract=contract, fields=form.cleaned_data
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved as a draft: submit it when it is complete."))
            return redirect("statistics:contract_detail", contract_id=saved.pk)
    return _form_page(
        request, "record_form.html", form=form, enterprise=enterprise, record=contract, title=_("Contract")
    )


def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    if (login := _login_or(request)) is not None:
        return login
    contract = access_contract(request.user, contract_id)
    executions = list(contract.executions.select_related("enterprise").order_by("date", "id"))
    for execution in executions:
        execution.actions = _actions_for(request, execution)  # type: ignore[attr-defined]
    return render(
        request,
        "statistics/contract_detail.html",
        {
            "contract": contract,
            "executions": executions,
            "actions": _actions_for(request, contract),
            "action_form": ActionForm(),
            "can_file": can_file(request.user, contract.enterprise_id),
            "editable": EDITABLE,
            "history": history_for(contract)[:100],
        },
    )


@require_http_methods(["GET", "POST"])
def execution_edit(
    request: HttpRequest, contract_id: int | None = None, execution_id: int | None = None
) -> HttpResponse:
    if (login := _login_or(request)) is not None:
        return login
    execution = access_execution(request.user, execution_id, write=True) if execution_id is not None else None
    if execution is not None:
        contract = execution.contract
    elif contract_id is not None:
        contract = access_contract(request.user, contract_id, write=True)
    else:
        raise NotFoundError()
    initial: dict[str, Any] = {"currency": contract.currency}
    if execution:
        initial = {f: getattr(execution, f) for f in services.EXECUTION_FIELDS}
    form = ExecutionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.execution_save(
                acting_user=_user(request), contract=contract, execution=execution, fields=form.cleaned_data
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved as a draft: submit it when it is complete."))
            return redirect("statistics:contract_detail", contract_id=contract.pk)
    return _form_page(
        request,
        "record_form.html",
        form=form,
        enterprise=contract.enterprise,
        record=execution,
        contract=contract,
        title=_("Execution record"),
    )


@require_http_methods(["GET", "POST"])
def staffing_edit(request: HttpRequest, report_id: int | None = None) -> HttpResponse:
    if (login := _login_or(request)) is not None:
        return login
    report = access_staffing_report(request.user, report_id, write=True) if report_id else None
    enterprise = report.enterprise if report else _enterprise_for(request)
    if not can_file(request.user, enterprise.pk):
        raise PermissionDeniedError()
    initial = {}
    if report:
        initial = {f: getattr(report, f) for f in services.STAFFING_FIELDS}
    form = StaffingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staffing_report_save(
                acting_user=_user(request), enterprise=enterprise, report=report, fields=form.cleaned_data
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved as a draft: submit it when it is complete."))
            return redirect(reverse("statistics:my_records") + _enterprise_query(request, enterprise))
    note = _("Reporting period: %(n)d month(s).") % {"n": parameters().staffing_period_months}
    return _form_page(
        request,
        "record_form.html",
        form=form,
        enterprise=enterprise,
        record=report,
        title=_("Staffing report"),
        note=note,
    )


def _back(request: HttpRequest, record: Any) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    if isinstance(record, Contract):
        return redirect("statistics:contract_detail", contract_id=record.pk)
    if isinstance(record, Execution):
        return redirect("statistics:contract_detail", contract_id=record.contract_id)
    return redirect(reverse("statistics:my_records") + _enterprise_query(request, record.enterprise))


@require_POST
def record_action(request: HttpRequest, kind: str, record_id: int) -> HttpResponse:
    if (login := _login_or(request)) is not None:
        return login
    if kind not in ACCESS:
        raise NotFoundError()
    record = ACCESS[kind](request.user, record_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read."))
        return _back(request, record)
    try:
        services.record_transition(
            acting_user=_user(request),
            record=record,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, str(exc.message))
    else:
        record.refresh_from_db()
        messages.success(request, _("Status is now: %(status)s") % {"status": record.get_status_display()})
    return _back(request, record)


@require_POST
def record_delete(request: HttpRequest, kind: str, record_id: int) -> HttpResponse:
    if (login := _login_or(request)) is not None:
        return login
    if kind not in ACCESS:
        raise NotFoundError()
    record = ACCESS[kind](request.user, record_id, write=True)
    enterprise = record.enterprise
    try:
        services.record_delete(acting_user=_user(request), record=record)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, str(exc.message))
        return _back(request, record)
    messages.success(request, _("Deleted."))
    return redirect(reverse("statistics:my_records") + _enterprise_query(request, enterprise))


# --- bulk import -------------------------------------------------------------------------------------

IMPORTS = {
    "contracts": (services.CONTRACT_COLUMNS + services.CONTRACT_OPTIONAL_COLUMNS, statistics_jobs.CONTRACTS),
    "executions": (services.EXECUTION_COLUMNS + services.EXECUTION_OPTIONAL_COLUMNS, statistics_jobs.EXECUTIONS),
}


@role_required(Role.ENTERPRISE, Role.PROGRAMME_OFFICE)
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORTS:
        raise NotFoundError()
    columns, job_kind = IMPORTS[kind]
    services.import_scope(_user(request), approve=False)  # an unverified enterprise is refused before it uploads
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_submit(acting_user=_user(request), kind=job_kind, upload=upload, filename=upload.name)
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            add_domain_error(form, exc)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "statistics/import.html", {"form": form, "columns": columns, "kind": kind})


def _leaf_codes() -> list[str]:
    return list(ServiceCategory.objects.filter(parent__isnull=False).values_list("code", flat=True))


@role_required(Role.ENTERPRISE, Role.PROGRAMME_OFFICE)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORTS:
        raise NotFoundError()
    columns, _importer = IMPORTS[kind]
    user = _user(request)
    code = user.enterprise.credit_code if user.role == Role.ENTERPRISE else "91330106MA27XXXXXX"
    if kind == "contracts":
        example = [
            code,
            "HT-2007-001",
            "Example Client Inc.",
            "US",
            "ito-software-dev",
            "USD",
            "120000.00",
            "2007-03-15",
            "Banking",
            "2007-04-01",
            "2007-12-31",
        ]
        notes = [
            ("client_country", _("ISO 3166-1 code: CN is onshore; every other code is offshore")),
            ("category", _("Category id: ") + ", ".join(_leaf_codes())),
            ("currency", _("Currency code with a rate in the rate table, or CNY")),
            ("signed_date / start_date / end_date", _("Date, YYYY-MM-DD")),
        ]
    else:
        example = [code, "HT-2007-001", "2007-06-30", "USD", "40000.00", "BANK-REF-123", ""]
        notes = [
            ("contract_no", _("Number of a contract already entered")),
            ("over_reason", _("Required when the executions exceed the contract amount")),
        ]
    notes = [(" / ".join(label("column", c) for c in code.split(" / ")), meaning) for code, meaning in notes]
    headings = [label("column", c) for c in columns]
    content = xlsx_bytes([(kind, headings, [example]), (_("Instructions"), [_("Column"), _("Meaning")], notes)])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


# --- review ------------------------------------------------------------------------------------------


@role_required(*STAFF)
def review(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not is_reviewer(user):
        raise PermissionDeniedError(_("You do not review statistics."))
    kind = request.GET.get("kind", "contract")
    if kind not in KINDS:
        kind = "contract"
    status = request.GET.get("status", RecordStatus.SUBMITTED)
    if status not in {s.value for s in RecordStatus}:
        status = RecordStatus.SUBMITTED
    zone = request.GET.get("zone", "")
    records = list(review_queue(user, KINDS[kind], status=status, zone=zone)[:300])
    return render(
        request,
        "statistics/review.html",
        {
            "kind": kind,
            "status": status,
            "zone": zone,
            "records": records,
            "statuses": RecordStatus.choices,
            "zones": Zone.objects.all() if user.zone_id is None else Zone.objects.filter(pk=user.zone_id),
            "counts": status_counts(user),
        },
    )


@role_required(*STAFF)
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in KINDS:
        raise NotFoundError()
    action = request.POST.get("action", "")
    if action not in ("approve", "return"):
        messages.error(request, _("The action could not be read."))
        return redirect("statistics:review")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    records = list(KINDS[kind].objects.filter(pk__in=ids).select_related("enterprise"))
    result = services.records_transition(
        acting_user=_user(request), records=records, action=action, reason=request.POST.get("reason", "")
    )
    _report_bulk(request, result)
    return redirect(f"{reverse('statistics:review')}?kind={kind}")


# --- indicators --------------------------------------------------------------------------------------


def _parse_date(text: str | None, default: date, field: str) -> date:
    try:
        value = date.fromisoformat(text) if text else default
    except ValueError:
        return default
    check_year_in_range(value.year, field=field)
    return value


def _filters_from(request: HttpRequest) -> tuple[date, date, str | None, IndicatorFilters]:
    """Range, grouping and filters from the query; zone staff are held to their zone."""
    params = request.GET
    latest = latest_data_date() or local_today()
    date_to = _parse_date(params.get("to"), latest, "to")
    date_from = _parse_date(params.get("from"), date(date_to.year, 1, 1), "from")
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    by = params.get("by") or None
    if by not in BY_CHOICES:
        by = None
    offshore = {"1": True, "0": False}.get(params.get("offshore", ""))
    filters = IndicatorFilters(
        zone=check_figures_zone(request.user, params.get("zone", "")[:32]),
        top_level=params.get("top_level", "")[:8],
        category=params.get("category", "")[:64],
        country=params.get("country", "").upper()[:2],
        ownership=params.get("ownership", "")[:3],
        offshore=offshore,
    )
    return date_from, date_to, by, filters


_BY_LABELS: dict[str | None, dict[str, str]] = {}


def _by_labels() -> dict[str, str]:
    """The groupings' names in the active language: translated once per language (the catalogues do not change
    while the process runs), a copy each time."""
    language = get_language()
    labels = _BY_LABELS.get(language)
    if labels is None:
        labels = _BY_LABELS[language] = _translated_by_labels()
    return dict(labels)


def _translated_by_labels() -> dict[str, str]:
    return {
        "zone": _("Zone"),
        "category": _("ITO / BPO / KPO"),
        "subcategory": _("Service category"),
        "country": _("Client country or region"),
        "ownership": _("Ownership type"),
        "month": _("Month"),
        "quarter": _("Quarter"),
        "year": _("Year"),
        "enterprise": _("Enterprise"),
    }


def _amount_labels() -> dict[str, str]:
    return {
        "contract_amount_usd": _("Contract amount (USD)"),
        "contract_amount_offshore_usd": _("Offshore contract amount (USD)"),
        "executed_amount_usd": _("Executed amount (USD)"),
        "executed_amount_offshore_usd": _("Offshore executed amount (USD)"),
        "contract_amount_cny": _("Contract amount (CNY)"),
        "contract_amount_offshore_cny": _("Offshore contract amount (CNY)"),
        "executed_amount_cny": _("Executed amount (CNY)"),
        "executed_amount_offshore_cny": _("Offshore executed amount (CNY)"),
    }


@functools.lru_cache(maxsize=8)
def _dashboard_links(script_prefix: str) -> dict[str, str]:
    """The dashboard's links to the other statistics pages, reversed once per script prefix (what `reverse` adds
    to a path; the same for every request of a deployment) instead of once a request each."""
    return {name: reverse(f"statistics:{name}") for name in ("goal", "review", "rates", "parameters", "export")}


@role_required(*STAFF)
def dashboard(request: HttpRequest) -> HttpResponse:
    date_from, date_to, by, filters = _filters_from(request)
    by = by or "month"
    # Approved figures only: the same for everyone who asks with the same range and filters, so they are
    # cached until an approval changes them. Everything they depend on is in `params`.
    figures = public_cache.cached(
        "statistics-dashboard",
        areas=(public_cache.STATISTICS, public_cache.REGISTRY),
        params=(date_from, date_to, by, repr(filters)),
        compute=lambda: _dashboard_figures(date_from, date_to, by, filters),
    )
    rows, total, staffing, enterprise_count = figures
    chart = {
        "labels": [r.label for r in rows[:40]],
        "series": [
            {"name": _("Contract amount (USD)"), "data": [str(r.sums["contract_amount_usd"]) for r in rows[:40]]},
            {"name": _("Executed amount (USD)"), "data": [str(r.sums["executed_amount_usd"]) for r in rows[:40]]},
            {
                "name": _("Offshore executed amount (USD)"),
                "data": [str(r.sums["executed_amount_offshore_usd"]) for r in rows[:40]],
            },
        ],
        "line": by in ("month", "quarter", "year"),
    }
    query = request.GET.copy()
    options = filter_options()  # the registry's lists, cached until the registry changes
    zone_only = bool(figures_zone(request.user))
    zones = [z for z in options.zones if z.code == filters.zone] if zone_only else options.zones
    by_labels = _by_labels()
    english = is_english()  # the records' names in the reader's language, asked once (`localized`)

    def name(record: Any) -> str:
        return record.name_en if english and record.name_en else record.name_zh or record.name_en

    return render(
        request,
        "statistics/dashboard.html",
        {
            "date_from": date_from,
            "date_to": date_to,
            "from_iso": date_from.isoformat(),  # as `date:'Y-m-d'` writes them, without the filter's calls
            "to_iso": date_to.isoformat(),
            "by": by,
            "filters": filters,
            "total": total,
            "rows": rows,
            "staffing": staffing,
            "enterprise_count": enterprise_count,
            "chart": chart,
            "by_labels": by_labels,
            "by_label": by_labels.get(by, ""),
            # The filters' choices as (value, label) pairs, for drop-downs written at once.
            "zones": [(z.code, name(z)) for z in zones],
            "zone_only": zone_only,
            "reviews": is_reviewer(request.user),
            "ownership_types": [
                (o.code, f"{o.code} {name(o)}") for o in options.ownership_types if o.parent_id is None
            ],
            "categories": [
                (c.code, f"{c.top_level} · {name(c)}")
                for c in sorted(
                    (c for c in options.categories if c.parent_id is not None), key=lambda c: (c.sort_order, c.code)
                )
            ],
            "links": _dashboard_links(get_script_prefix()),
            "query": query.urlencode(),
            "ytd_from": date(date_to.year, 1, 1).isoformat(),
        },
    )


def _dashboard_figures(
    date_from: date, date_to: date, by: str, filters: IndicatorFilters
) -> tuple[list[IndicatorRow], IndicatorRow, StaffingRow, int]:
    # One aggregate query for the table, the chart and the totals.
    rows = indicators(date_from=date_from, date_to=date_to, by=by, filters=filters, labels=True)
    return (
        rows,
        total_of(rows),
        staffing_indicators(date_from=date_from, date_to=date_to, filters=filters)[0],
        enterprises_reporting(date_from=date_from, date_to=date_to, filters=filters),
    )


def _sheet_title(title: str) -> str:
    """Excel refuses / \\ ? * [ ] : in sheet names."""
    return "".join("-" if ch in "/\\?*[]:" else ch for ch in title)[:31]


@role_required(*STAFF)
def indicators_export(request: HttpRequest) -> HttpResponse:
    """Every indicator table for the chosen range and filters, one sheet per grouping."""
    date_from, date_to, _by, filters = _filters_from(request)
    labels = _amount_labels()
    headers_tail = [_("Contracts"), _("Execution records")] + [labels[f] for f in AMOUNT_FIELDS]
    sheets: list[tuple[str, list[str], list[list[Any]]]] = []
    by_labels = _by_labels()
    for by in (None, *BY_CHOICES):
        rows = indicators(date_from=date_from, date_to=date_to, by=by, filters=filters, labels=True)
        title = _("Total") if by is None else by_labels[by]
        sheets.append(
            (
                title,
                [_("Key"), _("Name"), *headers_tail],
                [
                    [r.key, r.label, r.contract_count, r.execution_count, *(r.sums[f] for f in AMOUNT_FIELDS)]
                    for r in rows
                ],
            )
        )
    for by in (None, "zone", "ownership"):
        staff_rows = staffing_indicators(date_from=date_from, date_to=date_to, by=by, filters=filters)
        sheets.append(
            (
                _("Staffing") + ("" if by is None else f" · {by_labels[by]}"),
                [_("Key"), _("Name"), _("Enterprises"), _("Employees"), _("New employees"), _("New graduates")],
                [[r.key, r.label, r.enterprises, r.employees, r.new_employees, r.new_graduates] for r in staff_rows],
            )
        )
    content = xlsx_bytes([(_sheet_title(title), headers, rows) for title, headers, rows in sheets])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="indicators-{date_from}-{date_to}.xlsx"'
    return response


@role_required(*STAFF)
def goal(request: HttpRequest) -> HttpResponse:
    if figures_zone(request.user):
        raise PermissionDeniedError(_("The city-wide goal is not shown to zone staff."))
    progress = public_cache.cached(  # approved figures and the goal parameters: cached until either changes
        "statistics-goal",
        areas=(public_cache.STATISTICS,),
        params=local_today().year,
        compute=goal_progress,
    )
    chart = {
        "years": [str(y.year) for y in progress.years],
        "required": [str(y.required) if y.required is not None else None for y in progress.years],
        "actual": [str(y.actual) if y.actual is not None else None for y in progress.years],
        "projection": [str(y.projection) if y.projection is not None else None for y in progress.years],
        "names": [_("Required path"), _("Actual"), _("Projection")],
    }
    return render(
        request,
        "statistics/goal.html",
        {
            "goal": progress,
            "required_pct": progress.required_growth * 100,
            "projection_pct": progress.projection_growth * 100 if progress.projection_growth is not None else None,
            "chart": chart,
        },
    )


def public(request: HttpRequest) -> HttpResponse:
    """Published figures, no sign-in: a closed year (the latest by default), disclosure-controlled, from the cache
    until an approval or a parameter changes them (common.public_cache)."""
    year = request.GET.get("year")
    context = public_cache.cached(
        "statistics-figures",
        areas=(public_cache.STATISTICS, public_cache.REGISTRY),
        params=(year or "", local_today().isoformat()),  # the latest closed year moves with the date
        compute=lambda: _public_figures(year),
    )
    return render(request, "statistics/public.html", context)


def _public_figures(year: str | None) -> dict[str, Any]:
    figures = public_figures(year)
    context: dict[str, Any] = {"figures": figures}
    if figures is not None:
        context["note"] = withheld_note(figures.rule)
    return context


# --- rates and parameters ----------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    office = _user(request).role == Role.PROGRAMME_OFFICE
    form = RateForm(request.POST or None) if request.POST.get("form") == "rate" else RateForm()
    upload = (
        ImportForm(request.POST or None, request.FILES or None)
        if request.POST.get("form") == "upload"
        else ImportForm()
    )
    if request.method == "POST":
        if not office:
            raise PermissionDeniedError()
        try:
            if request.POST.get("form") == "rate" and form.is_valid():
                services.exchange_rate_set(acting_user=_user(request), **form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("statistics:rates")
            if request.POST.get("form") == "upload" and upload.is_valid():
                file = upload.cleaned_data["file"]
                job = job_submit(
                    acting_user=_user(request), kind=statistics_jobs.RATES, upload=file, filename=file.name
                )
                return redirect("jobs:detail", job_id=job.pk)
            if request.POST.get("form") == "delete":
                rate_id = request.POST.get("id", "")
                rate = ExchangeRate.objects.filter(pk=int(rate_id)).first() if rate_id.isdigit() else None
                if rate is None:
                    raise NotFoundError()
                services.exchange_rate_delete(acting_user=_user(request), rate=rate)
                messages.success(request, _("Deleted."))
                return redirect("statistics:rates")
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            add_domain_error(upload if request.POST.get("form") == "upload" else form, exc)
    currency = request.GET.get("currency", "").upper()[:3]
    qs = ExchangeRate.objects.all()
    if currency:
        qs = qs.filter(currency=currency)
    return render(
        request,
        "statistics/rates.html",
        {
            "rates": qs.order_by("currency", "-date")[:500],
            "currencies": ExchangeRate.objects.values_list("currency", flat=True).distinct().order_by("currency"),
            "currency": currency,
            "form": form,
            "upload": upload,
            "office": office,
        },
    )


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def parameters_edit(request: HttpRequest) -> HttpResponse:
    params = parameters()
    form = ParametersForm(request.POST or None, instance=params)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ParametersForm.Meta.fields}
        try:
            services.parameters_update(acting_user=_user(request), fields=fields)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("statistics:parameters")
    this_year = local_today().year
    return render(
        request,
        "statistics/parameters.html",
        {
            "form": form,
            "cutoff_example": cutoff_date(this_year - 1, parameters()),
            "example_year": this_year - 1,
            "software": software_category_codes(),
        },
    )
