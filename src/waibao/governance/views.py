"""Pages of governance: the duty matrix, a duty with its reports and live indicator, the leaders' cockpit."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.access import current_user
from waibao.accounts.models import Role
from waibao.applications import evidence
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.forms import add_domain_error
from waibao.common.tabular import xlsx_response
from waibao.governance import services
from waibao.governance.access import DUTY_READERS, access_duty, can_read_duties, is_duty_department
from waibao.governance.forms import DutyAssignForm, DutyDecisionForm, DutyFilterForm, DutyReportForm, MilestoneForm
from waibao.governance.indicators import indicator_for
from waibao.governance.models import DutyReport, DutyStatus, Milestone, ReportDecision
from waibao.governance.selectors import (
    DutyFilters,
    DutyLine,
    duty_detail,
    duty_lines,
    duty_matrix,
    duty_page_rows,
    duty_reports,
    duty_rows,
)
from waibao.governance.status import duty_state
from waibao.workdays.selectors import current_calendar


def _require_reader(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    if not can_read_duties(request.user):
        raise PermissionDeniedError()


def _filters(request: HttpRequest) -> tuple[DutyFilterForm, DutyFilters]:
    form = DutyFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, DutyFilters(data["department"], data["status"], data["source"], bool(data["key_only"]))
    return form, DutyFilters()


# Decisions of the leadership group add duties at every meeting: the list grows, so it comes in pages (the
# Excel export has every row).
DUTY_PAGE_SIZE = 25


def duty_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    _require_reader(request)
    form, filters = _filters(request)
    lines = duty_lines(filters)
    matrix, totals = duty_matrix(lines)  # the matrix counts every duty; the list shows a page of them
    page = Paginator(lines, DUTY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/duty_list.html",
        {
            "form": form,
            "count": len(lines),
            "page": page,
            # The page's slice of the lines, a list (iterating the page itself costs a call a line).
            "page_rows": duty_page_rows(cast("list[DutyLine]", page.object_list)),
            "matrix": matrix,
            "totals": totals,
            "statuses": list(DutyStatus),
            "today": timezone.localdate(),
            "query": query.urlencode(),
        },
    )


def duty_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    _form, filters = _filters(request)
    headers = [
        _("Duty"),
        _("Department"),
        _("With"),
        _("What"),
        _("Responsible person"),
        _("Deadline"),
        _("Status"),
        _("Working days left"),
    ]

    def rows() -> Any:
        for row in duty_rows(filters):
            duty, state = row.duty, row.state
            yield [
                duty.citation,
                duty.department.name,
                "、".join(p.name for p in duty.partners.all()),
                duty.text,
                duty.responsible.full_name or duty.responsible.username if duty.responsible else "",
                state.deadline or state.deadline_note,
                DutyStatus(state.status).label,
                state.working_days_left if state.working_days_left is not None else "",
            ]

    return xlsx_response("duties.xlsx", headers, rows())


def duty_page(request: HttpRequest, duty_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    user = current_user(request)
    access_duty(user, duty_id)
    duty = duty_detail(duty_id)
    calendar = current_calendar()
    today = timezone.localdate()
    state = duty_state(duty, calendar=calendar, today=today)
    indicator = indicator_for(duty.indicator) if duty.indicator else None
    value = indicator.compute(today, calendar) if indicator else None
    can_report = is_duty_department(user, duty)
    is_office = user.role == Role.PROGRAMME_OFFICE
    department_ids = [duty.department_id, *[p.pk for p in duty.partners.all()]]
    context = {
        "duty": duty,
        "state": state,
        "indicator": indicator,
        "value": value,
        "reports": duty_reports(duty),
        "can_report": can_report,
        "is_office": is_office,
        "report_form": DutyReportForm() if can_report else None,
        "decision_form": DutyDecisionForm() if is_office else None,
        "assign_form": DutyAssignForm(
            department_ids=department_ids,
            initial={
                "responsible": duty.responsible_id,
                "deadline": duty.deadline,
                "after_working_days": duty.after_working_days,
                "event_name": duty.event_name,
                "event_date": duty.event_date,
                "indicator": duty.indicator,
            },
        )
        if is_office
        else None,
        "Decision": ReportDecision,
        "milestone_form": MilestoneForm() if is_office else None,
    }
    return render(request, "governance/duty_detail.html", context)


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        raise DomainError(_("Use the form on the duty's page."), code="method")


def duty_report_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    duty = access_duty(user, duty_id, action="report")
    form = DutyReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            services.duty_report(
                acting_user=user,
                duty=duty,
                kind=data["kind"],
                text=data["text"],
                percent=data["percent"],
                rules_title=data["rules_title"],
                rules_number=data["rules_number"],
                rules_date=data["rules_date"],
                upload=upload.file if upload else None,
                upload_name=upload.name if upload else "",
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Report recorded."))
            return redirect("governance:duty", duty_id=duty.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("governance:duty", duty_id=duty.pk)


def duty_decide_view(request: HttpRequest, duty_id: int, report_id: int) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    duty = access_duty(user, duty_id, action="decide")
    report = DutyReport.objects.filter(pk=report_id, duty=duty).first()
    if report is None:
        raise NotFoundError()
    form = DutyDecisionForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose to accept or to return."), field="accept")
    services.duty_report_decide(
        acting_user=user, report=report, accept=form.cleaned_data["accept"], reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Decision recorded."))
    return redirect("governance:duty", duty_id=duty.pk)


def duty_assign_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    _post_only(request)
    user = current_user(request)
    duty = access_duty(user, duty_id, action="assign")
    department_ids = [duty.department_id, *duty.partners.values_list("pk", flat=True)]
    form = DutyAssignForm(request.POST, department_ids=department_ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("governance:duty", duty_id=duty.pk)
    data = form.cleaned_data
    services.duty_assign(
        acting_user=user,
        duty=duty,
        responsible=data["responsible"],
        deadline=data["deadline"],
        after_working_days=data["after_working_days"],
        event_name=data["event_name"],
        event_date=data["event_date"],
        indicator=data["indicator"],
    )
    messages.success(request, _("Duty updated."))
    return redirect("governance:duty", duty_id=duty.pk)


def milestone_view(request: HttpRequest, duty_id: int, milestone_id: int | None = None) -> HttpResponse:
    """POST: the office adds a milestone; with `milestone_id`, a coordinator records it reached today."""
    _post_only(request)
    user = current_user(request)
    duty = access_duty(user, duty_id)
    if milestone_id is None:
        form = MilestoneForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect("governance:duty", duty_id=duty.pk)
        services.milestone_add(acting_user=user, duty=duty, **form.cleaned_data)
    else:
        milestone = Milestone.objects.filter(pk=milestone_id, duty=duty).first()
        if milestone is None:
            raise NotFoundError()
        services.milestone_done(acting_user=user, milestone=milestone, done_on=timezone.localdate())
    messages.success(request, _("Saved."))
    return redirect("governance:duty", duty_id=duty.pk)


def duty_file(request: HttpRequest, duty_id: int, report_id: int) -> HttpResponse:
    user = current_user(request)
    duty = access_duty(user, duty_id)
    report = DutyReport.objects.filter(pk=report_id, duty=duty).exclude(stored_name="").first()
    if report is None:
        raise NotFoundError()
    return evidence.download_response(
        stored_name=report.stored_name, original_name=report.file_name, content_type=report.content_type
    )


__all__ = ["DUTY_READERS"]
