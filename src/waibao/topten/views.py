"""Pages of the top-ten selection: the published lists (public), runs and their review (office; leaders read),
annual reports (enterprises file, the office and zone staff review), violations (office)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.access import current_user
from waibao.accounts.models import Role
from waibao.common import public_cache
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.forms import add_domain_error
from waibao.common.labels import label
from waibao.common.tabular import xlsx_bytes
from waibao.registry.models import Enterprise
from waibao.statistics.access import can_file, can_review
from waibao.statistics.models import RecordStatus
from waibao.statistics.workflow import RECORD_WORKFLOW
from waibao.topten import selectors, services
from waibao.topten.access import (
    access_published_run,
    access_report,
    access_run,
    can_file_reports,
    can_read_runs,
    can_run,
    visible_reports,
)
from waibao.topten.forms import (
    AnnualReportForm,
    DecisionForm,
    ReasonForm,
    ReportCallForm,
    RunCreateForm,
    ViolationCloseForm,
    ViolationForm,
)
from waibao.topten.method import Method
from waibao.topten.models import AnnualReportCall, RunStatus, SelectionRun, Violation

RANKED_SHOWN = 50
REPORT_READERS = (Role.PROGRAMME_OFFICE, Role.CITY_LEADER, Role.ENTERPRISE, Role.DEPARTMENT_REVIEWER)


def _login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return None


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        raise DomainError(_("Use the form on the page."), code="method")


def _errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _method_rows(method: Method) -> list[dict[str, Any]]:
    """The criteria with their weights and, within each, the indicators with their weights and sources."""
    weights = method.normalised_weights()
    from waibao.topten.method import INDICATORS

    return [
        {
            "code": c,
            "weight": weights[c],
            "indicators": [{"code": i, "weight": w, "source": INDICATORS[i]} for i, w in method.indicators_of(c)],
        }
        for c in method.criteria
    ]


# --- public -----------------------------------------------------------------------------------------------


@public_cache.public_page(public_cache.APPLICATIONS, public_cache.REGISTRY)  # run_publish marks APPLICATIONS changed
def public_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "topten/public_index.html",
        {
            "lists": selectors.published_lists(),
            "can_read_runs": can_read_runs(request.user),
            "can_see_reports": getattr(request.user, "role", None) in REPORT_READERS,
        },
    )


def public_list(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_published_run(run_id)
    method = selectors.method_of(run)
    entries = [e for e in selectors.list_entries(run) if e.on_final_list]
    ranges = {
        e.enterprise_id: e
        for e in run.entries.filter(enterprise_id__in=[x.enterprise_id for x in entries]).only(
            "enterprise_id", "rank", "rank_min", "rank_max", "top_share", "weight_dependent"
        )
    }
    decisions = list(run.decisions.order_by("decided_at", "pk"))
    names = dict(
        run.entries.filter(enterprise_id__in=[d.enterprise_id for d in decisions]).values_list(
            "enterprise_id", "name_zh"
        )
    )
    rows = [
        {
            "entry": e,
            "scores": [(c, e.scores.get(c)) for c in method.criteria],
            "stability": ranges.get(e.enterprise_id),
            "decisions": [d for d in decisions if d.enterprise_id == e.enterprise_id],
        }
        for e in entries
    ]
    return render(
        request,
        "topten/public_list.html",
        {
            "run": run,
            "method": method,
            "criteria": _method_rows(method),
            "rows": rows,
            "exclusions": [(names.get(d.enterprise_id, ""), d) for d in decisions if d.kind == "exclude"],
            "withdrawn": [e for e in selectors.list_entries(run) if not e.on_final_list],
        },
    )


# --- runs -------------------------------------------------------------------------------------------------


RUN_PAGE_SIZE = 50


def run_list(request: HttpRequest) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    user = current_user(request)
    if not can_read_runs(user):
        raise PermissionDeniedError()
    form = RunCreateForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST":
        if not can_run(user):
            raise PermissionDeniedError()
        if form.is_valid():
            try:
                run = services.run_create(acting_user=user, year=form.cleaned_data["year"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Selection run made."))
                return redirect("topten:run", run_id=run.pk)
    # A run or more a year for as long as the programme runs: the list comes in pages.
    page = Paginator(selectors.runs(), RUN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "topten/run_list.html",
        {
            "runs": selectors.run_lines(cast("QuerySet[SelectionRun]", page.object_list)),  # a slice of runs()
            "page": page,
            "query": "",
            "form": form if can_run(user) else None,
        },
    )


def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    user = current_user(request)
    run = access_run(user, run_id)
    method = selectors.method_of(run)
    ranked = list(selectors.ranked_entries(run)[:RANKED_SHOWN])
    dependent = list(selectors.ranked_entries(run).filter(weight_dependent=True))
    reasons: dict[str, int] = {}
    for codes in run.entries.filter(eligible=False).values_list("ineligible", flat=True):
        for code in codes:
            reasons[code] = reasons.get(code, 0) + 1
    office = can_run(user)
    reviewed = selectors.reviewed_ranking(run)[: method.size] if run.status == RunStatus.REVIEW else []
    return render(
        request,
        "topten/run_detail.html",
        {
            "run": run,
            "method": method,
            "criteria": _method_rows(method),
            "ranked": ranked,
            "dependent": dependent,
            "ineligible": sorted(reasons.items()),
            "decisions": run.decisions.select_related("decided_by").order_by("decided_at", "pk"),
            "names": dict(run.entries.values_list("enterprise_id", "name_zh")) if run.decisions.exists() else {},
            "reviewed": reviewed,
            "list_entries": selectors.list_entries(run),
            "office": office,
            "in_review": run.status == RunStatus.REVIEW,
            "decision_form": DecisionForm() if office and run.status == RunStatus.REVIEW else None,
            "reason_form": ReasonForm(),
            "indicators": method.indicators,
        },
    )


def run_action(request: HttpRequest, run_id: int) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    run = access_run(user, run_id, write=True)
    action = request.POST.get("action", "")
    try:
        if action == "decide":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                _errors(request, form)
                return redirect("topten:run", run_id=run.pk)
            data = form.cleaned_data
            services.run_decide(
                acting_user=user,
                run=run,
                enterprise_id=data["enterprise"],
                kind=data["kind"],
                indicator=data["indicator"],
                value=data["value"],
                reason=data["reason"],
            )
            messages.success(request, _("Decision recorded."))
        elif action == "notice":
            services.run_open_notice(acting_user=user, run=run)
            messages.success(request, _("The list is published for public notice."))
        elif action == "publish":
            services.run_publish(acting_user=user, run=run)
            messages.success(request, _("The final list is published."))
        elif action == "cancel":
            services.run_cancel(acting_user=user, run=run, reason=request.POST.get("reason", ""))
            messages.success(request, _("Selection run cancelled."))
        else:
            raise DomainError(_("Choose an action."), code="action")
    except DomainError as exc:
        if isinstance(exc, PermissionDeniedError | NotFoundError):
            raise
        messages.error(request, str(exc.message))
    return redirect("topten:run", run_id=run.pk)


def run_export(request: HttpRequest, run_id: int) -> HttpResponse:
    user = current_user(request) if request.user.is_authenticated else None
    run = access_run(user, run_id)
    method = selectors.method_of(run)
    criteria = list(method.criteria)
    indicators = list(method.indicators)
    head = [_("Rank"), _("Enterprise"), _("Eligible"), _("Not eligible because"), _("Total score")]
    head += [label("topten_criterion", c) for c in criteria]
    head += [label("topten_indicator", i) for i in indicators]
    head += [
        _("Best rank over the weight draws"),
        _("Worst rank over the weight draws"),
        _("Share of draws in the list"),
    ]
    head += [_("Place depends on the weights")]

    def rows() -> Any:
        for e in run.entries.order_by("rank", "name_zh", "enterprise_id").iterator(chunk_size=2000):
            yield [
                e.rank or "",
                e.name,
                _("yes") if e.eligible else _("no"),
                "; ".join(label("topten_ineligible", c) for c in e.ineligible),
                e.total if e.total is not None else "",
                *[e.scores.get(c, "") for c in criteria],
                *[e.inputs.get(i, "") for i in indicators],
                e.rank_min or "",
                e.rank_max or "",
                e.top_share if e.top_share is not None else "",
                _("yes") if e.weight_dependent else "",
            ]

    weights = [[label("topten_criterion", c), w] for c, w in method.normalised_weights().items()]
    decisions = [
        [d.decided_at.strftime("%Y-%m-%d %H:%M"), d.enterprise_id, label("topten_decision", d.kind),
         label("topten_indicator", d.indicator) if d.indicator else "", d.value, d.reason]
        for d in run.decisions.order_by("decided_at", "pk")
    ]  # fmt: skip
    content = xlsx_bytes(
        [
            (_("Ranking"), head, rows()),
            (_("Weights"), [_("Criterion"), _("Weight")], weights),
            (
                _("Decisions"),
                [_("Decided at"), _("Enterprise"), _("Decision"), _("Figure"), _("Adjusted value"), _("Reason")],
                decisions,
            ),
        ]
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="topten-{run.year}-run-{run.pk}.xlsx"'
    return response


# --- annual reports ---------------------------------------------------------------------------------------


def report_list(request: HttpRequest) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    user = current_user(request)
    if user.role not in REPORT_READERS:
        raise PermissionDeniedError()
    reports = visible_reports(user).order_by("-year", "enterprise__name_zh")
    status = request.GET.get("status", "")
    if status in RecordStatus.values:
        reports = reports.filter(status=status)
    return render(
        request,
        "topten/report_list.html",
        {
            "reports": reports[:200],
            "calls": AnnualReportCall.objects.all()[:10],
            "call_form": ReportCallForm() if can_run(user) else None,
            "can_file": user.role == Role.ENTERPRISE and can_file_reports(user),
            "statuses": list(RecordStatus),
            "status": status,
            "today": timezone.localdate(),
        },
    )


def report_call(request: HttpRequest) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    if not can_run(user):
        raise PermissionDeniedError()
    form = ReportCallForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("topten:reports")
    data = form.cleaned_data
    try:
        due_on = data.get("due_on")
        if not due_on:  # counted on the working-day calendar: a year not loaded yet is said on the page
            from waibao.workdays.selectors import add_working_days

            due_on = add_working_days(timezone.localdate(), data["working_days"])
        services.report_call_set(acting_user=user, year=data["year"], due_on=due_on)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Due date set."))
    return redirect("topten:reports")


def _enterprise_of(user: Any) -> Enterprise:
    if user.role != Role.ENTERPRISE or not user.enterprise_id:
        raise PermissionDeniedError()
    enterprise: Enterprise = Enterprise.objects.get(pk=user.enterprise_id)
    return enterprise


def report_new(request: HttpRequest) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    user = current_user(request)
    enterprise = _enterprise_of(user)
    form = AnnualReportForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.annual_report_save(acting_user=user, enterprise=enterprise, year=data["year"], data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Annual report saved as a draft: submit it for review when it is complete."))
            return redirect("topten:report", report_id=report.pk)
    return render(request, "topten/report_form.html", {"form": form, "enterprise": enterprise})


def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    user = current_user(request)
    report = access_report(user, report_id)
    editable = report.status in (RecordStatus.DRAFT, RecordStatus.RETURNED) and can_file(user, report.enterprise_id)
    form = None
    if editable:
        initial = {
            f: getattr(report, f) for f in ("year", "taxes_paid_cny", "rd_expense_cny", "patents", "graduate_employees")
        }
        form = AnnualReportForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.annual_report_save(
                    acting_user=user, enterprise=report.enterprise, year=report.year, data=form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Annual report saved."))
                return redirect("topten:report", report_id=report.pk)
    elif request.method == "POST":
        raise PermissionDeniedError()
    actions = [
        t
        for t in RECORD_WORKFLOW.available(state=report.status, role=user.role)
        if (t.name in ("submit", "correct") and can_file(user, report.enterprise_id))
        or (t.name in ("approve", "return") and can_review(user, report.enterprise))
    ]
    call = AnnualReportCall.objects.filter(year=report.year).first()
    return render(
        request,
        "topten/report_detail.html",
        {"report": report, "form": form, "actions": actions, "call": call, "reason_form": ReasonForm()},
    )


def report_action(request: HttpRequest, report_id: int) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    report = access_report(user, report_id)
    try:
        services.annual_report_transition(
            acting_user=user,
            report=report,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        if isinstance(exc, PermissionDeniedError | NotFoundError):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect("topten:report", report_id=report.pk)


# --- violations -------------------------------------------------------------------------------------------


def violation_list(request: HttpRequest) -> HttpResponse:
    if (response := _login(request)) is not None:
        return response
    user = current_user(request)
    if not can_run(user):
        raise PermissionDeniedError()
    form = ViolationForm(request.POST or None, initial={"recorded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = Enterprise.objects.filter(credit_code=data["credit_code"].strip().upper()).first()
        if enterprise is None:
            form.add_error("credit_code", _("No enterprise has this code."))
        else:
            try:
                services.violation_record(
                    acting_user=user,
                    enterprise=enterprise,
                    description=data["description"],
                    recorded_on=data["recorded_on"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Violation recorded."))
                return redirect("topten:violations")
    return render(
        request,
        "topten/violation_list.html",
        {
            "violations": Violation.objects.select_related("enterprise")[:200],
            "form": form,
            "close_form": ViolationCloseForm(initial={"closed_on": timezone.localdate()}),
        },
    )


def violation_close(request: HttpRequest, violation_id: int) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    if not can_run(user):
        raise PermissionDeniedError()
    violation = Violation.objects.filter(pk=violation_id).first()
    if violation is None:
        raise NotFoundError()
    form = ViolationCloseForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("topten:violations")
    try:
        services.violation_close(
            acting_user=user,
            violation=violation,
            reason=form.cleaned_data["reason"],
            closed_on=form.cleaned_data["closed_on"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Violation closed."))
    return redirect("topten:violations")
