"""Registry endpoints: enterprises (staff; an enterprise user sees only its own), zones and departments (public)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router
from ninja.decorators import decorate_view

from waibao.accounts.access import STAFF, require_role
from waibao.api.schemas import DepartmentOut, EnterpriseOut, EnterprisePage, ZoneOut
from waibao.common import public_cache
from waibao.governance.selectors import departments_with_duties
from waibao.registry.access import access_enterprise, enterprises_readable
from waibao.registry.models import Enterprise, Zone
from waibao.registry.selectors import EnterpriseFilters, enterprise_list, with_categories

router = Router(tags=["registry"])


def enterprise_out(e: Enterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "credit_code": e.credit_code,
        "name_zh": e.name_zh,
        "name_en": e.name_en,
        "status": e.status,
        "zone": e.zone.code if e.zone else None,
        "ownership_type": e.ownership_type_id,
        "categories": [c.code for c in e.categories.all()],
        "registered_capital_cny": e.registered_capital_cny,
        "established_on": e.established_on,
        "offshore_focused": e.offshore_focused,
        "is_headquarters": e.is_headquarters,
        "employees": e.employees,
    }


@router.get("/enterprises", response=EnterprisePage)
def list_enterprises(
    request: HttpRequest,
    q: str = "",
    zone: str = "",
    category: str = "",
    status: str = "",
    ownership: str = "",
    sort: str = "",
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """Staff: the enterprise list with the same filters as the page (q, zone, category, status, ownership, sort).

    Zone staff get their zone's enterprises only."""
    require_role(request.user, STAFF)
    filters = EnterpriseFilters.from_query(request.GET)
    paginator = Paginator(
        enterprise_list(filters).filter(enterprises_readable(request.user)), max(1, min(page_size, 200))
    )
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [enterprise_out(e) for e in with_categories(current.object_list)],  # type: ignore[arg-type]
    }


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    return enterprise_out(access_enterprise(request.user, enterprise_id))


@router.get("/zones", response=list[ZoneOut], auth=None)
def list_zones(request: HttpRequest) -> list[Zone]:
    return public_cache.cached(
        "registry-zones", areas=(public_cache.REGISTRY,), compute=lambda: list(Zone.objects.filter(is_active=True))
    )


@router.get("/departments", response=list[DepartmentOut], auth=None)
@decorate_view(public_cache.public_page(public_cache.GOVERNANCE))
def list_departments(request: HttpRequest) -> list[Any]:
    return list(departments_with_duties())
