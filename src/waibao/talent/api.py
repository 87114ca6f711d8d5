"""Training endpoints, read-only (mounted by the API at /api/v1/talent): programmes, their trainees, the plan.

The same access checks as the pages (`talent.access`); identity numbers only masked, never to the public.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from waibao.accounts.models import Role
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.talent import selectors
from waibao.talent.access import access_programme, visible_enrolments, visible_programmes
from waibao.talent.models import Programme

router = Router(tags=["talent"])


def _programme(p: Programme) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "institution": p.institution.name,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "fee_cny": str(p.fee_cny),
        "capacity": p.capacity,
        "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat(),
        "hours": p.hours,
        "employer": p.employer.name if p.employer else None,
        "recognition": p.recognition,
        "recognition_label": str(p.get_recognition_display()),
        "enrolled": getattr(p, "enrolled_count", None),
        "completed": getattr(p, "completed_count", None),
    }


def _signed_in(request: HttpRequest) -> Any:
    if not getattr(request.user, "is_authenticated", False):
        raise PermissionDeniedError()
    return request.user


@router.get("/programmes")
def programmes(request: HttpRequest) -> dict[str, Any]:
    """The programmes the user may see (staff of training, the institution's own, an employer's)."""
    user = _signed_in(request)
    rows = list(selectors.programmes_with_counts(visible_programmes(user)).order_by("-starts_on", "pk")[:500])
    return {"count": len(rows), "results": [_programme(p) for p in rows]}


@router.get("/programmes/{programme_id}")
def programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    """One programme with its trainees (masked identity numbers) and each trainee's subsidy state."""
    user = _signed_in(request)
    found = access_programme(user, programme_id)
    enrolments = list(
        visible_enrolments(user)
        .filter(programme=found)
        .select_related("trainee", "employer", "programme")
        .order_by("trainee__name", "pk")
    )
    states = selectors.subsidy_states(enrolments)
    return {
        **_programme(found),
        "trainees": [
            {
                "id": e.pk,
                "name": e.trainee.name,
                "id_masked": e.trainee.id_masked,
                "category": e.category,
                "status": e.status,
                "attended_hours": e.attended_hours,
                "passed": e.passed,
                "hired_by": e.employer.name if e.employer else None,
                "contract_date": e.contract_date.isoformat() if e.contract_date else None,
                "hire_confirmed": e.hire_confirmed_at is not None,
                "subsidy": [
                    {
                        "rule": s.rule_id or None,
                        "state": str(s.state),
                        "amount_cny": None if s.amount is None else str(s.amount),
                        "reason": s.reason,
                        "application": s.application_id,
                    }
                    for s in states[e.pk]
                ],
            }
            for e in enrolments
        ],
    }


@router.get("/plan")
def plan(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The year's training plan with its live progress (programme office, reviewers, city leaders)."""
    user = _signed_in(request)
    if user.role not in (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.CITY_LEADER):
        raise PermissionDeniedError()
    year = year or timezone.localdate().year
    if not 1990 <= year <= 2200:
        raise DomainError("year must be between 1990 and 2200", field="year", code="invalid_year")
    return {
        "year": year,
        "targets": [
            {
                "kind": p.target.kind,
                "kind_label": str(p.target.get_kind_display()),
                "zone": p.target.zone.code if p.target.zone else None,
                "target": {"enrolled": p.target.enrolled, "completed": p.target.completed, "hired": p.target.hired},
                "progress": {"enrolled": p.enrolled, "completed": p.completed, "hired": p.hired},
            }
            for p in selectors.plan_progress(year)
        ],
    }
