"""The one access check per talent object kind: institution, programme, enrolment. Pages, exports and API use them.

- The programme office sees and manages everything.
- Department reviewers of the department responsible for training (the routing of HZ-17b) decide approvals
  and recognitions, and see every programme and enrolment.
- A training institution's users see their own institution, programmes and enrolments.
- An enterprise's users see the programmes customised for them or from which they hired, and the enrolments
  of trainees they hire (or who were recorded as hired by them), to confirm the hire and see the 15 % refunds
  due through them.
- Finance officers and city leaders see nothing personal here; the public sees nothing at all.
Another party's object answers 404 for applicants (ids cannot be probed), 403 for staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from waibao.accounts.models import Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.talent.models import Enrolment, Programme, TrainingInstitution


def responsible_department_id() -> int | None:
    """The department that reviews training subsidies: the one HZ-17b is routed to (None if not routed yet)."""
    from waibao.applications.models import RuleRouting

    return RuleRouting.objects.filter(rule_id="HZ-17b").values_list("department_id", flat=True).first()


def is_training_reviewer(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or user.role != Role.DEPARTMENT_REVIEWER:
        return False
    department = responsible_department_id()
    return department is not None and user.department_id == department


def decides(user: Any) -> bool:
    """May decide approvals of institutions and recognitions of programmes."""
    return getattr(user, "role", None) == Role.PROGRAMME_OFFICE or is_training_reviewer(user)


def _staff_sees_all(user: Any) -> bool:
    return getattr(user, "role", None) == Role.PROGRAMME_OFFICE or is_training_reviewer(user)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError() from None


def _deny(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError()
    if user.role in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION):
        raise NotFoundError()
    raise PermissionDeniedError()


def visible_institutions(user: Any) -> QuerySet[TrainingInstitution]:
    qs = TrainingInstitution.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _staff_sees_all(user):
        return qs
    if user.role == Role.TRAINING_INSTITUTION and user.training_institution_id:
        return qs.filter(pk=user.training_institution_id)
    return qs.none()


def access_institution(user: Any, institution_id: Any) -> TrainingInstitution:
    institution = visible_institutions(user).filter(pk=_pk(institution_id)).first()
    if institution is None:
        if not TrainingInstitution.objects.filter(pk=_pk(institution_id)).exists():
            raise NotFoundError()
        _deny(user)
    assert institution is not None
    return institution


def visible_programmes(user: Any) -> QuerySet[Programme]:
    qs = Programme.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _staff_sees_all(user):
        return qs
    if user.role == Role.TRAINING_INSTITUTION and user.training_institution_id:
        return qs.filter(institution_id=user.training_institution_id)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        hired_from = Enrolment.objects.filter(employer_id=user.enterprise_id).values("programme_id")
        return qs.filter(Q(employer_id=user.enterprise_id) | Q(pk__in=hired_from))
    return qs.none()


def runs(user: Any, programme: Programme) -> bool:
    """May manage the programme and its trainees (its institution's users, the office)."""
    if getattr(user, "role", None) == Role.PROGRAMME_OFFICE:
        return True
    return (
        getattr(user, "role", None) == Role.TRAINING_INSTITUTION
        and user.training_institution_id is not None
        and user.training_institution_id == programme.institution_id
    )


def access_programme(user: Any, programme_id: Any, *, manage: bool = False) -> Programme:
    """The programme if `user` may see it (and, with manage=True, run it); 404/403 otherwise."""
    pk = _pk(programme_id)
    programme = visible_programmes(user).select_related("institution", "employer", "zone").filter(pk=pk).first()
    if programme is None:
        if not Programme.objects.filter(pk=pk).exists():
            raise NotFoundError()
        _deny(user)
    assert programme is not None
    if manage and not runs(user, programme):
        raise PermissionDeniedError()
    return programme


def visible_enrolments(user: Any) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if _staff_sees_all(user):
        return qs
    if user.role == Role.TRAINING_INSTITUTION and user.training_institution_id:
        return qs.filter(programme__institution_id=user.training_institution_id)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(Q(employer_id=user.enterprise_id) | Q(programme__employer_id=user.enterprise_id))
    return qs.none()


def access_enrolment(user: Any, enrolment_id: Any) -> Enrolment:
    pk = _pk(enrolment_id)
    enrolment = (
        visible_enrolments(user)
        .select_related("trainee", "programme", "programme__institution", "employer")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None:
        if not Enrolment.objects.filter(pk=pk).exists():
            raise NotFoundError()
        _deny(user)
    assert enrolment is not None
    return enrolment
