"""Governance endpoints, read-only (mounted by the API at /api/v1/governance): duties and decisions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.governance.access import access_duty, can_read_duties
from waibao.governance.models import DutySource, DutyStatus
from waibao.governance.selectors import DutyFilters, DutyRow, duty_row, duty_rows

router = Router(tags=["governance"])


def _row(row: DutyRow) -> dict[str, Any]:
    duty, state = row.duty, row.state
    return {
        "id": duty.pk,
        "citation": duty.citation,
        "source": duty.source,
        "source_label": str(DutySource(duty.source).label),
        "department": {"code": duty.department.code, "name": duty.department.name},
        "partners": [{"code": p.code, "name": p.name} for p in duty.partners.all()],
        "text": duty.text,
        "meeting": duty.meeting.code if duty.meeting_id and duty.meeting else None,
        "deadline": state.deadline.isoformat() if state.deadline else None,
        "deadline_note": state.deadline_note,
        "status": state.status,
        "status_label": str(DutyStatus(state.status).label),
        "working_days_left": state.working_days_left,
        "indicator": duty.indicator or None,
    }


def _reader(request: HttpRequest) -> None:
    if not can_read_duties(request.user):
        raise PermissionDeniedError()


@router.get("/duties")
def duties(request: HttpRequest, department: str = "", status: str = "", source: str = "") -> dict[str, Any]:
    """Staff and city leaders: every duty with its derived status (filters: department code, status, source)."""
    _reader(request)
    if status and status not in DutyStatus.values:
        raise DomainError(f"status must be one of {', '.join(DutyStatus.values)}", field="status")
    if source and source not in DutySource.values:
        raise DomainError(f"source must be one of {', '.join(DutySource.values)}", field="source")
    rows = duty_rows(DutyFilters(department=department, status=status, source=source))
    return {"count": len(rows), "results": [_row(r) for r in rows]}


@router.get("/duties/{duty_id}")
def duty(request: HttpRequest, duty_id: int) -> dict[str, Any]:
    access_duty(request.user, duty_id)
    return _row(duty_row(duty_id))


@router.get("/decisions")
def decisions(request: HttpRequest) -> dict[str, Any]:
    """Staff and city leaders: the decisions of the leadership group's meetings, as tracked duties."""
    _reader(request)
    rows = duty_rows(DutyFilters(source=DutySource.DECISION))
    return {"count": len(rows), "results": [_row(r) for r in rows]}
