"""Casework endpoints, read-only (mounted by the API at /api/v1/cases): cases for their requester and departments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from waibao.casework.access import access_case, sees_personal_data, visible_cases
from waibao.casework.clocks import CaseClock
from waibao.casework.models import Case, CaseStatus, MessageKind
from waibao.casework.selectors import case_limit, clocks_for
from waibao.common.errors import PermissionDeniedError, UnprocessableError

router = Router(tags=["cases"])
PAGE = 200


def _case(case: Case, clock: CaseClock | None, personal: bool) -> dict[str, Any]:
    return {
        "number": case.number,
        "type": case.case_type.code,
        "type_name": case.case_type.name,
        "department": case.department.code if case.department else None,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "title": case.title,
        "filed_at": case.filed_at.isoformat(),
        "confidential": case.confidential,
        "outcome": case.outcome or None,
        "contact_name": case.contact_name if personal else None,
        "time_limit": {
            "limit": case_limit(case),
            "elapsed": clock.state.elapsed if clock else None,
            "due": clock.state.due.isoformat() if clock and clock.state.due else None,
            "state": clock.badge if clock else None,
        },
    }


@router.get("/")
def cases(request: HttpRequest, status: str = "", offset: int = 0) -> dict[str, Any]:
    """The cases the caller may read (its own for an enterprise, its department's for a reviewer)."""
    if not request.user.is_authenticated:
        raise PermissionDeniedError()
    if status and status not in CaseStatus.values:
        raise UnprocessableError(f"status must be one of {', '.join(CaseStatus.values)}")
    if offset < 0:
        raise UnprocessableError("offset must be ≥ 0")
    qs = visible_cases(request.user).select_related("case_type", "department").order_by("-filed_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    total = qs.count()
    page = list(qs[offset : offset + PAGE])
    clocks = clocks_for(page, today=timezone.localdate())
    return {
        "count": total,
        "offset": offset,
        "results": [_case(c, clocks.get(c.pk), sees_personal_data(request.user, c)) for c in page],
    }


@router.get("/{number}")
def case(request: HttpRequest, number: str) -> dict[str, Any]:
    """One case with its replies (internal notes only for the office and the department)."""
    found = access_case(request.user, number)
    personal = sees_personal_data(request.user, found)
    body = _case(found, clocks_for([found], today=timezone.localdate()).get(found.pk), personal)
    messages = found.messages.all()
    if getattr(request.user, "role", None) not in ("programme_office", "department_reviewer"):
        messages = messages.exclude(kind=MessageKind.NOTE)
    body["messages"] = [{"kind": m.kind, "at": m.at.isoformat(), "body": m.body} for m in messages]
    return body
