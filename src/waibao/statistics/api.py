"""Statistics endpoints (django-ninja router, mounted by the API at /api/v1/statistics)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router

from waibao.accounts.access import STAFF, require_role
from waibao.accounts.models import Role
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.statistics.selectors import (
    BY_CHOICES,
    IndicatorFilters,
    approved_facts,
    goal_progress,
    indicators,
    latest_data_date,
    parse_by,
)

router = Router(tags=["statistics"])


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


@router.get("/indicators")
def indicator_rows(
    request: HttpRequest,
    date_from: date,
    date_to: date,
    by: str | None = None,
    zone: str = "",
    top_level: str = "",
    country: str = "",
    ownership: str = "",
    offshore: bool | None = None,
) -> dict[str, Any]:
    """Staff: the same rows as `waibao stats indicators --json`, with the dashboard's filters."""
    require_role(request.user, STAFF)
    try:
        parse_by(by)
    except ValueError:
        raise DomainError(
            f"by must be one or more of {', '.join(BY_CHOICES)}, separated by commas", field="by"
        ) from None
    if date_to < date_from:
        raise DomainError("date_to is before date_from", field="date_to")
    filters = IndicatorFilters(
        zone=zone, top_level=top_level.upper(), country=country.upper(), ownership=ownership, offshore=offshore
    )
    rows = indicators(date_from=date_from, date_to=date_to, by=by, filters=filters)
    return {"rows": [r.as_json() for r in rows]}


@router.get("/goal")
def goal(request: HttpRequest) -> dict[str, Any]:
    """Staff: the HZ-2 goal (base, target, required growth, actual, projection, gap) in USD."""
    require_role(request.user, STAFF)
    g = goal_progress()
    return {
        "measure": g.measure,
        "base_year": g.base_year,
        "target_year": g.target_year,
        "base_usd": _money(g.base),
        "target_usd": _money(g.target),
        "required_growth": f"{g.required_growth:.6f}",
        "projection_growth": None if g.projection_growth is None else f"{g.projection_growth:.6f}",
        "projection_from": list(g.projection_from) if g.projection_from else None,
        "gap_usd": _money(g.gap),
        "years": [
            {
                "year": y.year,
                "required_usd": _money(y.required),
                "actual_usd": _money(y.actual),
                "projection_usd": _money(y.projection),
            }
            for y in g.years
        ],
    }


@router.get("/headline", auth=None)
def headline(request: HttpRequest) -> dict[str, Any]:
    """Public: year-to-date totals of the latest year with approved data (cached until an approval)."""
    return public_cache.cached("statistics-headline", areas=(public_cache.STATISTICS,), compute=_headline)


def _headline() -> dict[str, Any]:
    latest = latest_data_date()
    if latest is None:
        return {"as_of": None, "total": None}
    total = indicators(date_from=date(latest.year, 1, 1), date_to=latest)[0]
    return {"as_of": latest.isoformat(), "total": total.as_json()}


@router.get("/facts/{enterprise_id}/{year}")
def facts(request: HttpRequest, enterprise_id: int, year: int) -> dict[str, Any]:
    """Staff, or the enterprise itself: its approved statistics for a year as policy facts."""
    user = require_role(request.user, (*STAFF, Role.ENTERPRISE))
    if user.role == Role.ENTERPRISE and user.enterprise_id != enterprise_id:
        raise PermissionDeniedError()
    values = approved_facts(enterprise_id=enterprise_id, year=year)
    return {k: (_money(v) if hasattr(v, "quantize") else v) for k, v in values.items()}
