"""Registry pages: staff dashboard, enterprise list/detail/edit/export/import, own profile, zones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waibao.accounts.access import OFFICE, STAFF, current_user, role_required
from waibao.accounts.models import Role
from waibao.audit.selectors import history_for
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.forms import add_domain_error
from waibao.common.i18n import is_english
from waibao.common.labels import label
from waibao.common.tabular import xlsx_bytes
from waibao.jobs.services import job_submit
from waibao.registry import jobs as registry_jobs
from waibao.registry.access import access_enterprise, enterprises_readable, enterprises_readable_sql
from waibao.registry.forms import EnterpriseForm, ImportForm, TransitionForm, ZoneForm
from waibao.registry.models import (
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseClaim,
    EnterpriseStatus,
    Zone,
)
from waibao.registry.selectors import (
    SORTS,
    CategoryOption,
    EnterpriseFilters,
    FilterOptions,
    ListedEnterprises,
    OwnershipOption,
    ZoneOption,
    change_rows,
    enterprise_lines,
    enterprise_names,
    filter_options,
    open_change_request,
    open_requests,
    status_counts,
    zones_with_counts,
)
from waibao.registry.services import (
    IMPORT_COLUMNS,
    enterprise_change_decide,
    enterprise_claim_decide,
    enterprise_create,
    enterprise_transition,
    enterprise_update,
    zone_save,
)
from waibao.registry.validation import org_code_warning_message
from waibao.registry.workflow import ENTERPRISE_WORKFLOW

PAGE_SIZES = (20, 50, 100)


def _filter_context(options: FilterOptions) -> dict[str, Any]:
    # The names in the active language, read once for the some hundred options rather than once a name.
    english = is_english()

    def name(record: ZoneOption | CategoryOption | OwnershipOption) -> str:
        return record.name_en if english and record.name_en else (record.name_zh or record.name_en)

    return {
        "zone_choices": [(z.code, name(z)) for z in options.zones],
        "category_choices": [(c.code, f"— {name(c)}" if c.parent_id else name(c)) for c in options.categories],
        "ownership_choices": [(o.code, f"{o.code} {name(o)}") for o in options.ownership_types],
        "statuses": EnterpriseStatus.choices,
        "sorts": [
            ("name", _("Name")),
            ("-capital", _("Registered capital, largest first")),
            ("capital", _("Registered capital, smallest first")),
            ("-created", _("Newest first")),
            ("-employees", _("Most employees first")),
        ],
    }


@role_required(*STAFF)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = enterprises_readable(request.user)
    counts = status_counts(scope)
    return render(
        request,
        "registry/dashboard.html",
        {
            "counts": [(value, label, counts.get(value, 0)) for value, label in EnterpriseStatus.choices],
            "total": sum(counts.values()),
            "zones": zones_with_counts(),
            "waiting": counts.get(EnterpriseStatus.REGISTERED, 0),
        },
    )


@role_required(*STAFF)
def enterprise_index(request: HttpRequest) -> HttpResponse:
    options = filter_options()
    filters = EnterpriseFilters.from_query(request.GET, options)
    if filters.ignored:
        messages.warning(
            request,
            _("Ignored filter values that do not exist: %(values)s")
            % {"values": ", ".join(f"{k}={v}" for k, v in filters.ignored.items())},
        )
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    if per_page not in PAGE_SIZES:
        per_page = PAGE_SIZES[0]
    # Only the columns a row shows, as plain values; zones and categories come from the filter options.
    listed = ListedEnterprises(filters, enterprises_readable_sql(request.user))
    # A count and a slice are all a Paginator reads of its list (the stubs ask for a sequence's whole protocol).
    paginator: Paginator[tuple[Any, ...]] = Paginator(listed, per_page)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    rows = enterprise_lines(page.object_list, options)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "query": query.urlencode(),
        **_filter_context(options),
    }
    return render(request, "registry/enterprise_list.html", context)


@role_required(*STAFF)
@require_http_methods(["POST"])
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """Export the filtered list as a job (a city's whole registry is too large to build inside a request)."""
    query = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    job = job_submit(acting_user=current_user(request), kind=registry_jobs.EXPORT, options={"query": query})
    return redirect("jobs:detail", job_id=job.pk)


def _detail_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    """The enterprise's page; `enterprise` as `access_enterprise(..., related=False)` gives it (its zone's, type's
    and categories' names come from the cached filter options)."""
    user = current_user(request)
    role = user.role
    actions = ENTERPRISE_WORKFLOW.available(state=enterprise.status, role=role)
    return {
        "enterprise": enterprise,
        "names": enterprise_names(enterprise),
        "actions": actions,
        "history": history_for(enterprise)[:200],
        "can_edit": role == Role.PROGRAMME_OFFICE or user.enterprise_id == enterprise.pk,
        "org_code_warning": org_code_warning_message() if enterprise.org_code_warning else "",
        "change_request": (change := open_change_request(enterprise)),
        "change_rows": change_rows(change) if change else [],
    }


def enterprise_detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    enterprise = access_enterprise(request.user, enterprise_id, related=False)
    return render(request, "registry/enterprise_detail.html", _detail_context(request, enterprise))


@role_required(Role.ENTERPRISE)
def my_enterprise(request: HttpRequest) -> HttpResponse:
    enterprise = access_enterprise(request.user, current_user(request).enterprise_id or 0, related=False)
    return render(request, "registry/enterprise_detail.html", _detail_context(request, enterprise))


@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    enterprise = access_enterprise(request.user, enterprise_id, write=True)
    staff = current_user(request).role == Role.PROGRAMME_OFFICE
    form = EnterpriseForm(request.POST or None, instance=enterprise, staff=staff)
    if request.method == "POST" and form.is_valid():
        fields = form.changed_fields()
        enterprise.refresh_from_db()  # the form wrote into the instance; the service compares against the stored row
        try:
            enterprise_update(
                acting_user=current_user(request),
                enterprise=enterprise,
                fields=fields,
                categories=form.cleaned_data["categories"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            if open_change_request(enterprise) is not None and current_user(request).role == Role.ENTERPRISE:
                messages.info(
                    request,
                    _(
                        "Your enterprise is recognised: changes to its zone, capital, categories, offshore focus, "
                        "headquarters or employees wait for the programme office's approval."
                    ),
                )
            return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": enterprise})


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def enterprise_new(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(
                acting_user=current_user(request),
                fields=form.changed_fields(),
                categories=form.cleaned_data["categories"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Enterprise created."))
            return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": None})


@require_POST
def enterprise_action(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    enterprise = access_enterprise(request.user, enterprise_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read."))
        return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)
    try:
        enterprise_transition(
            acting_user=current_user(request),
            enterprise=enterprise,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            override_org_code_warning=form.cleaned_data["override_org_code_warning"],
        )
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, str(exc.message))
    else:
        enterprise.refresh_from_db()
        messages.success(request, _("Status is now: %(status)s") % {"status": enterprise.get_status_display()})
    return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    """Queue the import as a job and show its page; the job checks every row and imports all or nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_submit(
                acting_user=current_user(request), kind=registry_jobs.IMPORT, upload=upload, filename=upload.name
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            add_domain_error(form, exc)
        else:
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "registry/import.html", {"form": form, "columns": IMPORT_COLUMNS})


@role_required(*OFFICE)
def enterprise_import_template(request: HttpRequest) -> HttpResponse:
    example = [
        "91330100MA27XXXX",  # deliberately incomplete: the user fills in real codes
        "杭州示例软件有限公司",
        "Hangzhou Example Software Co., Ltd.",
        "12000000",
        "2006-05-01",
        "150",
        "htz",
        "ito-software-dev;ito-operations",
        "yes",
        "no",
        "120",
        "杭州市滨江区",
        "张三",
        "0571-88888888",
        "contact@example.com",
    ]
    notes = [
        (_("Column"), _("Meaning")),
        ("credit_code", _("Unified social credit code, 18 characters (required)")),
        ("name_zh", _("Chinese name (required)")),
        ("registered_capital_cny", _("Registered capital in CNY")),
        ("established_on", _("Date, YYYY-MM-DD")),
        ("ownership_type", _("GB/T 12402 code, e.g. 150")),
        ("zone", _("Zone code: ") + ", ".join(Zone.objects.values_list("code", flat=True))),
        ("categories", _("Category codes separated by ;")),
        ("offshore_focused / is_headquarters", _("yes or no")),
    ]
    notes = [notes[0], *((" / ".join(label("column", c) for c in code.split(" / ")), text) for code, text in notes[1:])]
    content = xlsx_bytes(
        [
            ("enterprises", [label("column", c) for c in IMPORT_COLUMNS], [example]),
            (_("Instructions"), ["", ""], notes),
        ]
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
    return response


@role_required(*OFFICE)
@require_http_methods(["GET", "POST"])
def zone_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    zone = None
    if code is not None:
        zone = Zone.objects.filter(code=code).first()
        if zone is None:
            raise NotFoundError()
    form = ZoneForm(request.POST or None, instance=zone)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ZoneForm.Meta.fields}
        try:
            saved = zone_save(
                acting_user=current_user(request),
                zone=Zone.objects.get(pk=zone.pk) if zone else None,
                fields=data,
                focus_categories=form.cleaned_data["focus_categories"],
                infrastructure={c: True for c in form.cleaned_data["infrastructure"]},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Zone saved."))
            return redirect("portal:zone_detail", code=saved.code)
    return render(request, "registry/zone_form.html", {"form": form, "zone": zone})


__all__ = ["SORTS"]


# --- the office's requests: changes to recognised enterprises, claims to registered credit codes ----------


@role_required(*OFFICE)
def requests_list(request: HttpRequest) -> HttpResponse:
    changes, claims = open_requests()
    rows = [(change, change_rows(change)) for change in changes]
    return render(request, "registry/requests.html", {"changes": rows, "claims": claims})


@role_required(*OFFICE)
@require_POST
def request_decide(request: HttpRequest, kind: str, request_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    reason = request.POST.get("reason", "")
    if kind == "change":
        change = EnterpriseChangeRequest.objects.filter(pk=request_id).first()
        if change is None:
            raise NotFoundError()
        enterprise_change_decide(acting_user=current_user(request), change=change, approve=approve, reason=reason)
        if request.POST.get("back") == "detail":
            messages.success(request, _("Approved.") if approve else _("Declined."))
            return redirect("registry:enterprise_detail", enterprise_id=change.enterprise_id)
    elif kind == "claim":
        claim = EnterpriseClaim.objects.filter(pk=request_id).first()
        if claim is None:
            raise NotFoundError()
        enterprise_claim_decide(acting_user=current_user(request), claim=claim, approve=approve, reason=reason)
    else:
        raise NotFoundError()
    messages.success(request, _("Approved.") if approve else _("Declined."))
    return redirect("registry:requests")
