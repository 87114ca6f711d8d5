"""The areas of the API a token may be scoped to, and what each scope allows.

A scope is "<area>:read" or "<area>:write" (write includes read). The area is the first segment of the
path under /api/v1/ (the router's prefix), so a new area plugs in by mounting its router and registering
its area here with `register_area(code, label, writable=...)` (from its AppConfig.ready or here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ApiArea:
    code: str
    label: Any
    writable: bool = False


_AREAS: dict[str, ApiArea] = {}


def register_area(code: str, label: Any, *, writable: bool = False) -> None:
    _AREAS[code] = ApiArea(code, label, writable)


def areas() -> list[ApiArea]:
    return list(_AREAS.values())


def all_scopes() -> list[str]:
    out = []
    for area in _AREAS.values():
        out.append(f"{area.code}:read")
        if area.writable:
            out.append(f"{area.code}:write")
    return out


def allows(scopes: list[str], *, area: str, write: bool) -> bool:
    """Whether a token with `scopes` may read (or write) `area`. Paths outside any area (the schema, the docs,
    an unknown path that answers 404) need no scope; every mounted router is a registered area (a test checks)."""
    if area not in _AREAS:
        return True
    if write:
        return f"{area}:write" in scopes
    return f"{area}:read" in scopes or f"{area}:write" in scopes


def scope_label(scope: str) -> str | None:
    """ "statistics:write" → "Statistics (…): read and change" in the active language."""
    code, _sep, level = scope.partition(":")
    area = _AREAS.get(code)
    if area is None or level not in ("read", "write"):
        return None
    if level == "write":
        return str(_("%(area)s: read and change") % {"area": area.label})
    return str(_("%(area)s: read") % {"area": area.label})


def register_builtin_areas() -> None:
    register_area("registry", _("Registry (enterprises, zones, departments)"))
    register_area("statistics", _("Statistics (records, submissions, indicators)"), writable=True)
    register_area("applications", _("Applications"), writable=True)
    register_area("policy", _("Policy package"))
    register_area("ledger", _("Special fund ledger"))
    register_area("governance", _("Duties and decisions"))
    register_area("workdays", _("Working-day calendar"))
    register_area("jobs", _("Background jobs"))
    register_area("opendata", _("Open data"))
    register_area("cases", _("Cases (consultations, complaints, service requests)"), writable=True)
    register_area("talent", _("Training programmes and subsidies"))
    register_area("careers", _("Recruitment site"))
    register_area("topten", _("Top-ten selection"), writable=True)
    register_area("promotion", _("Investment promotion"))
    register_area("website", _("Website (news, notices, events, guides)"))
