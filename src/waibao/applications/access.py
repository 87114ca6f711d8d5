"""The one access check for applications, used by every view and endpoint that touches one."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from waibao.accounts.models import Role
from waibao.applications.models import APPROVED_STATUSES, Application, ApplicationStatus, RuleRouting
from waibao.applications.workflow import APPLICATION_WORKFLOW
from waibao.common.errors import NotFoundError, PermissionDeniedError


def reviewer_rule_ids(department_id: int | None) -> list[str]:
    """Rules on which a department is a partner (it reviews them alongside the responsible department)."""
    if department_id is None:
        return []
    return list(RuleRouting.objects.filter(partners__id=department_id).values_list("rule_id", flat=True))


def visible_applications(user: Any) -> QuerySet[Application]:
    """The applications `user` may see (for lists and queues); the same rules as `access_application`."""
    qs = Application.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    role = user.role
    if role == Role.PROGRAMME_OFFICE:
        return qs.exclude(status=ApplicationStatus.DRAFT)
    if role == Role.DEPARTMENT_REVIEWER:
        if user.department_id is None:
            return qs.none()
        own = Q(department_id=user.department_id) | Q(rule_id__in=reviewer_rule_ids(user.department_id))
        qs = qs.filter(own).exclude(status=ApplicationStatus.DRAFT)
        if user.zone_id is not None:  # zone staff review only their zone's enterprises
            qs = qs.filter(enterprise__zone_id=user.zone_id)
        return qs
    if role == Role.FINANCE_OFFICER:
        return qs.filter(status__in=APPROVED_STATUSES)
    if role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    if role == Role.TRAINING_INSTITUTION and user.training_institution_id:
        return qs.filter(training_institution_id=user.training_institution_id)
    return qs.none()


def is_applicant(user: Any, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ENTERPRISE:
        return application.enterprise_id is not None and user.enterprise_id == application.enterprise_id
    if user.role == Role.TRAINING_INSTITUTION:
        return (
            application.training_institution_id is not None
            and user.training_institution_id == application.training_institution_id
        )
    return False


def reviews(user: Any, application: Application) -> bool:
    """True when `user` is a reviewer of the responsible department or of a partner department."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.DEPARTMENT_REVIEWER:
        return False
    if user.department_id is None:
        return False
    if user.zone_id is not None and (application.enterprise is None or application.enterprise.zone_id != user.zone_id):
        return False  # zone staff review only their zone's enterprises
    if application.department_id == user.department_id:
        return True
    return RuleRouting.objects.filter(rule_id=application.rule_id, partners__id=user.department_id).exists()


def can_see(user: Any, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_applicant(user, application):
        return True
    if application.status == ApplicationStatus.DRAFT:
        return False
    role = user.role
    if role == Role.PROGRAMME_OFFICE:
        return True
    if role == Role.DEPARTMENT_REVIEWER:
        return reviews(user, application)
    if role == Role.FINANCE_OFFICER:
        return application.status in APPROVED_STATUSES
    return False


def access_application(user: Any, application_id: int | str, *, action: str | None = None) -> Application:
    """The application if `user` may see it (and, with `action`, the user's role may take that step).

    Applicants see only their own: another applicant's id gives 404, so ids cannot be probed. Reviewers
    see their department's applications (routed or partner), the programme office all submitted ones,
    finance officers those approved by the office. Drafts are the applicant's alone.
    """
    try:
        pk = int(application_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError()
    application = (
        Application.objects.select_related("enterprise", "training_institution", "department").filter(pk=pk).first()
    )
    if application is None:
        raise NotFoundError()
    if not can_see(user, application):
        if user.role in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION) or application.status == ApplicationStatus.DRAFT:
            raise NotFoundError()
        raise PermissionDeniedError()
    if action is not None:
        transition = APPLICATION_WORKFLOW.get(action)
        if user.role not in transition.roles:
            raise PermissionDeniedError()
        if user.role in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION) and not is_applicant(user, application):
            raise PermissionDeniedError()
    return application
