"""Public pages, and the error pages every request falls back on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from waibao.common import public_cache
from waibao.common.errors import DomainError, NotFoundError
from waibao.common.middleware import domain_error_response
from waibao.governance.selectors import departments_with_duties
from waibao.registry.models import Enterprise, EnterpriseStatus, Zone
from waibao.registry.selectors import zones_with_counts


def _home_counts() -> dict[str, int]:
    return {
        "zones": Zone.objects.filter(is_active=True).count(),
        "recognised": Enterprise.objects.filter(status=EnterpriseStatus.RECOGNISED).count(),
    }


def home(request: HttpRequest) -> HttpResponse:
    counts = public_cache.cached("portal-home", areas=(public_cache.REGISTRY,), compute=_home_counts)
    return render(request, "portal/home.html", {"counts": counts})


def departments(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/departments.html", {"departments": departments_with_duties()})


def zones(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/zones.html", {"zones": zones_with_counts().filter(is_active=True)})


def zone_detail(request: HttpRequest, code: str) -> HttpResponse:
    zone = zones_with_counts().filter(code=code).first()
    if zone is None:
        raise NotFoundError()
    return render(request, "portal/zone_detail.html", {"zone": zone})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.utils.translation import gettext as _

    return domain_error_response(request, DomainError(_("The request could not be understood.")))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from waibao.common.errors import PermissionDeniedError

    return domain_error_response(request, PermissionDeniedError())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return domain_error_response(request, NotFoundError())


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def work_home(request: HttpRequest) -> HttpResponse:
    """Where each signed-in role lands: its own work (the reviewer's queue, finance's payments due, the zone's
    reports to review, the enterprise's applications, reports and entitlements, the institution's claims)."""
    from django.shortcuts import redirect

    from waibao.accounts.models import Role
    from waibao.applications.models import ApplicationStatus
    from waibao.applications.selectors import applications_for
    from waibao.statistics.access import is_reviewer
    from waibao.statistics.models import Contract, Execution, RecordStatus, StaffingReport
    from waibao.statistics.selectors import status_counts

    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    role = getattr(user, "role", "")
    if role == Role.PROGRAMME_OFFICE:
        return redirect("registry:dashboard")
    if role == Role.CITY_LEADER:
        return redirect("governance:cockpit")
    if role == Role.JOB_SEEKER:
        return redirect("recruitment:seeker_home")
    if role == Role.DEPARTMENT_REVIEWER and getattr(user, "zone_id", None) is None:
        return redirect("applications:queue")
    context: dict[str, object] = {"role": role}
    if role == Role.FINANCE_OFFICER:
        context["payments_due"] = list(applications_for(user, status=ApplicationStatus.COMMITTED)[:100])
    elif role == Role.DEPARTMENT_REVIEWER:  # zone staff: their zone's reports, then the applications
        counts = status_counts(user) if is_reviewer(user) else {}
        context["to_review"] = {kind: c.get(RecordStatus.SUBMITTED, 0) for kind, c in counts.items()}
        context["zone"] = user.zone
        context["applications"] = list(applications_for(user)[:20])
    elif role in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION):
        context["applications"] = list(applications_for(user)[:50])
        if role == Role.ENTERPRISE and user.enterprise_id:
            open_states = (RecordStatus.DRAFT, RecordStatus.RETURNED)
            context["reports_due"] = {
                "contract": Contract.objects.filter(enterprise_id=user.enterprise_id, status__in=open_states).count(),
                "execution": Execution.objects.filter(enterprise_id=user.enterprise_id, status__in=open_states).count(),
                "staffing": StaffingReport.objects.filter(
                    enterprise_id=user.enterprise_id, status__in=open_states
                ).count(),
            }
    return render(request, "portal/work.html", context)
