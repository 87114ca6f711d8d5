"""Investment-promotion endpoints, read-only (mounted by the API at /api/v1/promotion): projects and figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from waibao.common.errors import PermissionDeniedError, UnprocessableError
from waibao.promotion.access import access_project, can_read_figures, can_read_projects, figure_scope, project_scope
from waibao.promotion.models import Project, ProjectType, Stage
from waibao.promotion.selectors import FigureLine, ProjectFilters, assessment_figures, history, projects

router = Router(tags=["promotion"])


def _project(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "pipeline": p.pipeline,
        "title": p.title,
        "investor": {"name": p.investor_name, "country": p.investor_country, "parent_group": p.parent_group},
        "type": p.project_type,
        "type_label": str(ProjectType(p.project_type).label),
        "currency": p.currency,
        "amount": str(p.amount),
        "base_amount": str(p.base_amount),
        "zone": p.zone.code,
        "department": p.department.code,
        "stage": p.stage,
        "stage_label": str(Stage(p.stage).label),
        "lost_reason": p.lost_reason,
        "first_signed_on": p.first_signed_on.isoformat() if p.first_signed_on else None,
        "enterprise": p.enterprise.credit_code if p.enterprise else None,
        "next_action": p.next_action,
        "next_action_due": p.next_action_due.isoformat() if p.next_action_due else None,
    }


@router.get("/projects")
def project_list(
    request: HttpRequest, stage: str = "", department: str = "", zone: str = "", pipeline: str = ""
) -> dict[str, Any]:
    """The office, department reviewers (their department's) and zone staff (their zone's) projects."""
    if not can_read_projects(request.user):
        raise PermissionDeniedError()
    if stage and stage not in Stage.values:
        raise UnprocessableError(f"stage must be one of {', '.join(Stage.values)}", field="stage")
    qs = projects(
        project_scope(request.user), ProjectFilters(pipeline=pipeline, department=department, zone=zone, stage=stage)
    )
    rows = [_project(p) for p in qs]
    return {"count": len(rows), "results": rows}


@router.get("/projects/{project_id}")
def project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    project = access_project(request.user, project_id)
    return {
        **_project(project),
        "history": [
            {"from": h.from_stage or None, "to": h.to_stage, "on": h.on.isoformat(), "reason": h.reason}
            for h in history(project)
        ],
    }


def _line(line: FigureLine) -> dict[str, Any]:
    return {
        "key": line.key,
        "name": line.name,
        "projects": line.projects,
        "amount_usd": str(line.amount_usd),
        "by_currency": {c: str(a) for c, a in line.currencies},
        "without_rate": line.unconverted,
        "registered": line.registered,
        "operating": line.operating,
    }


@router.get("/figures")
def figures(request: HttpRequest, year: int) -> dict[str, Any]:
    """The foreign-investment assessment figures of a year (projects first signed in it), by department and zone."""
    if not can_read_figures(request.user):
        raise PermissionDeniedError()
    if not 2000 <= year <= 2100:
        raise UnprocessableError("year must be between 2000 and 2100", field="year")
    data = assessment_figures(figure_scope(request.user), year)
    return {
        "year": year,
        "default_rules": data.rules.is_default,
        "by_department": [_line(x) for x in data.by_department],
        "by_zone": [_line(x) for x in data.by_zone],
        "total": _line(data.total),
    }
