"""Pages of the pipeline: the board (kanban), the list with totals, a project, the assessment figures, events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import current_user
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError
from waibao.common.forms import add_domain_error
from waibao.common.labels import label
from waibao.common.tabular import xlsx_bytes
from waibao.promotion import services
from waibao.promotion.access import (
    access_event,
    access_project,
    can_manage_events,
    can_read_figures,
    can_read_projects,
    figure_scope,
    project_scope,
)
from waibao.promotion.forms import (
    DocumentForm,
    EventForm,
    FilterForm,
    MoveForm,
    NextActionForm,
    ProjectForm,
    YearForm,
)
from waibao.promotion.models import ProjectDocument, PromotionEvent, Stage
from waibao.promotion.selectors import (
    EVERY_RELATION,
    PageProject,
    ProjectFilters,
    ProjectLine,
    ProjectRow,
    assessment_figures,
    board_columns,
    figure_years,
    history,
    page_projects,
    project_lines,
    project_rows,
    projects,
    stage_total_lines,
    stage_totals,
)
from waibao.promotion.workflow import PROJECT_WORKFLOW

LIST_PAGE_SIZE = 50


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    return None


def _require_projects(request: HttpRequest) -> None:
    if not can_read_projects(request.user):
        raise PermissionDeniedError()


def _filters(request: HttpRequest) -> tuple[FilterForm, ProjectFilters]:
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        return form, ProjectFilters(
            d["pipeline"], d["department"], d["zone"], d["project_type"], d["stage"], bool(d["overdue_only"])
        )
    return form, ProjectFilters()


def _rows(request: HttpRequest, filters: ProjectFilters) -> list[ProjectRow[PageProject]]:
    """The board's and the list's rows: the projects as the pages read them."""
    user = current_user(request)
    return project_rows(page_projects(project_scope(user), filters), role=user.role)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def board(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    if not can_read_projects(request.user):
        if can_read_figures(request.user):
            return redirect("promotion:figures")
        raise PermissionDeniedError()
    form, filters = _filters(request)
    rows = _rows(request, filters)
    return render(
        request,
        "promotion/board.html",
        {
            "form": form,
            "columns": board_columns(rows),
            "query": request.GET.urlencode(),
            "count": len(rows),
            "here": request.get_full_path(),
        },
    )


def project_list(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    _require_projects(request)
    form, filters = _filters(request)
    rows = _rows(request, filters)
    found = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    paginator: Any = found.paginator  # the page of rows, shown as lines
    page: Page[ProjectLine] = Page(project_lines(list(found.object_list)), found.number, paginator)
    return render(
        request,
        "promotion/list.html",
        {
            "form": form,
            "page": page,
            "count": len(rows),
            "totals": stage_total_lines(stage_totals(rows)),
            "query": _query_without_page(request),
            "overdue": sum(1 for r in rows if r.overdue),
        },
    )


def _money_text(by_currency: list[tuple[str, Any]]) -> str:
    return "; ".join(f"{currency} {amount:,.2f}" for currency, amount in by_currency)


def project_export(request: HttpRequest) -> HttpResponse:
    _require_projects(request)
    _form, filters = _filters(request)
    user = current_user(request)
    rows = project_rows(projects(project_scope(user), filters, related=EVERY_RELATION), role=user.role)
    headers = [
        _("Pipeline"),
        _("Project"),
        _("Investor"),
        _("Country or region"),
        _("Parent group"),
        _("Type"),
        _("Currency"),
        _("Intended investment"),
        _("Capital before the increase"),
        _("Zone"),
        _("Responsible department"),
        _("Responsible person"),
        _("Stage"),
        _("Working days in stage"),
        _("First signed on"),
        _("Enterprise"),
        _("Next action"),
        _("Next action due"),
        _("Overdue"),
        _("Reason lost"),
    ]
    project_sheet = [
        [
            label("promotion_pipeline", r.project.pipeline),
            r.project.title,
            r.project.investor_name,
            r.project.investor_country,
            r.project.parent_group,
            label("promotion_type", r.project.project_type),
            r.project.currency,
            r.project.amount,
            r.project.base_amount,
            r.project.zone.name,
            r.project.department.name,
            str(r.project.responsible or ""),
            label("promotion_stage", r.project.stage),
            r.days_in_stage if r.days_in_stage is not None else "",
            r.project.first_signed_on,
            r.project.enterprise.name_zh if r.project.enterprise else "",
            r.project.next_action,
            r.project.next_action_due,
            _("Yes") if r.overdue else "",
            r.project.lost_reason,
        ]
        for r in rows
    ]
    totals_sheet = [
        [
            label("promotion_stage", t.stage),
            t.count,
            _money_text(t.currencies),
            t.total_usd,
            t.weighted_usd,
            t.average_days if t.average_days is not None else "",
            t.overdue,
        ]
        for t in stage_totals(rows)
    ]
    content = xlsx_bytes(
        [
            (_("Projects"), headers, project_sheet),
            (
                _("Totals per stage"),
                [
                    _("Stage"),
                    _("Projects"),
                    _("Amounts"),
                    _("USD at today's rate"),
                    _("Weighted USD"),
                    _("Average working days in stage"),
                    _("Overdue"),
                ],
                totals_sheet,
            ),
        ]
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="promotion-projects.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    _require_projects(request)
    user = current_user(request)
    initial: dict[str, Any] = {"department": user.department_id, "zone": user.zone_id, "responsible": user.pk}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                acting_user=user,
                title=data["title"],
                investor_name=data["investor_name"],
                investor_country=data["investor_country"],
                parent_group=data["parent_group"],
                project_type=data["project_type"],
                currency=data["currency"],
                amount=data["amount"],
                base_amount=data["base_amount"] or Decimal(0),
                zone=data["zone"],
                department=data["department"],
                responsible=data["responsible"],
                event=data["event"],
                on=data["on"],
                pipeline=data["pipeline"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Project recorded as a lead."))
            return redirect("promotion:project", project_id=project.pk)
    return render(request, "promotion/project_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    user = current_user(request)
    project = access_project(user, project_id, action="move")
    initial = {name: getattr(project, name) for name in services.EDITABLE}
    form = ProjectForm(request.POST or None, initial=initial)
    del form.fields["on"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["base_amount"] = data["base_amount"] or Decimal(0)
        try:
            services.project_update(acting_user=user, project=project, **{k: data[k] for k in services.EDITABLE})
        except DomainError as exc:  # refusals (out of scope, fixed at signing) are shown on the form
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Project updated."))
            return redirect("promotion:project", project_id=project.pk)
    return render(request, "promotion/project_form.html", {"form": form, "project": project})


def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    user = current_user(request)
    project = access_project(user, project_id)
    from waibao.promotion.services import operating_evidence

    return render(
        request,
        "promotion/project.html",
        {
            "project": project,
            "history": history(project),
            "documents": list(project.documents.select_related("uploaded_by")),
            "moves": PROJECT_WORKFLOW.available(state=project.stage, role=user.role),
            "move_form": MoveForm(initial={"on": timezone.localdate()}),
            "next_form": NextActionForm(),
            "document_form": DocumentForm(),
            "evidence": operating_evidence(project) if project.stage == Stage.CAPITAL_ARRIVED else None,
            "today": timezone.localdate(),
        },
    )


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@require_POST
def project_move(request: HttpRequest, project_id: int) -> HttpResponse:
    user = current_user(request) if request.user.is_authenticated else None
    project = access_project(user, project_id, action="move")
    default = f"/promotion/{project.pk}/"
    form = MoveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, default)
    data = form.cleaned_data
    try:
        assert user is not None
        moved = services.project_transition(
            acting_user=user,
            project=project,
            name=data["action"],
            reason=data["reason"],
            on=data["on"],
            credit_code=data["credit_code"],
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(request, default)
    messages.success(
        request,
        _("“%(project)s” is now at the stage: %(stage)s.")
        % {"project": moved.title, "stage": label("promotion_stage", moved.stage)},
    )
    return _back(request, default)


@require_POST
def project_next_action(request: HttpRequest, project_id: int) -> HttpResponse:
    user = current_user(request)
    project = access_project(user, project_id, action="move")
    form = NextActionForm(request.POST)
    if form.is_valid():
        try:
            services.project_set_next_action(acting_user=user, project=project, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Next action set."))
    else:
        _form_errors(request, form)
    return redirect("promotion:project", project_id=project.pk)


@require_POST
def project_document(request: HttpRequest, project_id: int) -> HttpResponse:
    user = current_user(request)
    project = access_project(user, project_id, action="move")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.project_document_add(
                acting_user=user,
                project=project,
                title=form.cleaned_data["title"],
                upload=upload,
                upload_name=upload.name,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Document added."))
    else:
        _form_errors(request, form)
    return redirect("promotion:project", project_id=project.pk)


def document_file(request: HttpRequest, project_id: int, document_id: int) -> FileResponse:
    from waibao.applications import evidence

    project = access_project(current_user(request), project_id)
    document = ProjectDocument.objects.filter(pk=document_id, project=project).first()
    if document is None:
        raise NotFoundError()
    path = evidence.path_of(document.stored_name)
    if not path.exists():
        raise NotFoundError()
    name = evidence.download_name(document.file_name, document.content_type)
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=name)  # noqa: SIM115
    response["Content-Type"] = document.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _year(request: HttpRequest, years: list[int]) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        return int(form.cleaned_data["year"])
    return years[0]


def figures(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    if not can_read_figures(request.user):
        raise PermissionDeniedError()
    scope = figure_scope(request.user)
    years = figure_years(scope)
    year = _year(request, years)
    return render(
        request,
        "promotion/figures.html",
        {
            "figures": assessment_figures(scope, year),
            "years": years,
            "year": year,
            "can_read_projects": can_read_projects(request.user),
        },
    )


def figures_export(request: HttpRequest) -> HttpResponse:
    if not can_read_figures(request.user):
        raise PermissionDeniedError()
    scope = figure_scope(request.user)
    year = _year(request, figure_years(scope))
    data = assessment_figures(scope, year)
    headers = [
        _("Department"),
        _("Projects first signed"),
        _("Counted amount (USD)"),
        _("Amounts as entered"),
        _("Without a rate"),
        _("Registered or later"),
        _("Operating"),
    ]

    def lines(items: list[Any]) -> list[list[Any]]:
        return [
            [
                line.name,
                line.projects,
                line.amount_usd,
                _money_text(line.currencies),
                line.unconverted,
                line.registered,
                line.operating,
            ]
            for line in [*items, data.total]
        ]

    data.total.name = _("Total")
    content = xlsx_bytes(
        [
            (_("By department"), headers, lines(data.by_department)),
            (_("By zone"), [_("Zone"), *headers[1:]], lines(data.by_zone)),
        ]
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="promotion-assessment-{year}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def event_list(request: HttpRequest) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    _require_projects(request)
    user = current_user(request)
    form = EventForm(request.POST or None) if can_manage_events(user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDeniedError()
        if form.is_valid():
            try:
                event = services.event_create(acting_user=user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Event recorded."))
                return redirect("promotion:event", event_id=event.pk)
    from django.db.models import Count

    events = PromotionEvent.objects.select_related("department").annotate(
        lead_count=Count("leads", filter=_lead_filter(user))
    )
    return render(request, "promotion/events.html", {"events": events, "form": form})


def _lead_filter(user: Any) -> Any:
    """The leads of an event that `user` may see (their department's or zone's)."""
    from django.db.models import Q

    from waibao.accounts.models import Role

    if user.role == Role.PROGRAMME_OFFICE:
        return Q()
    if user.zone_id is not None:
        return Q(leads__zone_id=user.zone_id)
    return Q(leads__department_id=user.department_id)


def event_page(request: HttpRequest, event_id: int) -> HttpResponse:
    if (login := _signed_in(request)) is not None:
        return login
    user = current_user(request)
    event = access_event(user, event_id)
    rows = project_rows(projects(project_scope(user)).filter(event=event), role=user.role)
    return render(request, "promotion/event.html", {"event": event, "rows": rows})
