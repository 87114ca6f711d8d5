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
