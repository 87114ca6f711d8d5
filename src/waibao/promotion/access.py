"""Who may see and move investment projects (confidential: no enterprise, institution or public access).

The office sees and moves every project; a department reviewer their department's projects; zone staff (a
reviewer with a zone) their zone's; a city leader reads the assessment figures only. One check per object kind,
used by the pages, the exports and the API alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from waibao.accounts.models import Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.promotion.models import Project, PromotionEvent

PROJECT_ROLES = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER)
FIGURE_ROLES = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.CITY_LEADER)


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def can_read_projects(user: Any) -> bool:
    return _role(user) in PROJECT_ROLES


def can_read_figures(user: Any) -> bool:
    return _role(user) in FIGURE_ROLES


def project_scope(user: Any) -> Q:
    """A filter on projects to those `user` may read; PermissionDeniedError for roles that read none."""
    role = _role(user)
    if role == Role.PROGRAMME_OFFICE:
        return Q()
    if role == Role.DEPARTMENT_REVIEWER:
        if user.zone_id is not None:
            return Q(zone_id=user.zone_id)
        return Q(department_id=user.department_id)
    raise PermissionDeniedError()


def figure_scope(user: Any) -> Q:
    """The projects counted in the figures `user` reads: a city leader reads the whole city's figures."""
    if _role(user) == Role.CITY_LEADER:
        return Q()
    return project_scope(user)


def in_scope(user: Any, project: Project) -> bool:
    role = _role(user)
    if role == Role.PROGRAMME_OFFICE:
        return True
    if role == Role.DEPARTMENT_REVIEWER:
        if user.zone_id is not None:
            return bool(project.zone_id == user.zone_id)
        return bool(project.department_id == user.department_id)
    return False


def access_project(user: Any, project_id: int, *, action: str = "read") -> Project:
    """`action`: read or move (the same people: the office, and reviewers within their scope)."""
    if not can_read_projects(user):
        raise PermissionDeniedError()
    project = (
        Project.objects.select_related("zone", "department", "responsible", "enterprise", "event")
        .filter(pk=project_id)
        .first()
    )
    if project is None or not in_scope(user, project):
        raise NotFoundError()  # another department's project: not even its existence is shown
    if action in ("read", "move"):
        return project
    raise PermissionDeniedError()


def can_manage_events(user: Any) -> bool:
    return _role(user) == Role.PROGRAMME_OFFICE


def access_event(user: Any, event_id: int, *, action: str = "read") -> PromotionEvent:
    """Events are read by those who read projects (each sees only the leads in their scope); the office edits."""
    if not can_read_projects(user):
        raise PermissionDeniedError()
    if action != "read" and not can_manage_events(user):
        raise PermissionDeniedError()
    event = PromotionEvent.objects.select_related("department").filter(pk=event_id).first()
    if event is None:
        raise NotFoundError()
    return event
