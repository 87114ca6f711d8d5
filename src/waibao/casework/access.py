"""The one access check for cases, used by pages, exports and the API alike.

An enterprise sees its own cases only; a department reviewer the cases of its department; the programme
office every case; a city leader the cases that are not confidential. Confidential cases (IP complaints) are
seen only by their department and the office. A person without an account reaches a case with its tracking
number and check code (`public_case_ids` in the session).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from waibao.accounts.models import Role
from waibao.casework.models import Case
from waibao.casework.workflow import DEPARTMENT, OFFICE, REQUESTER
from waibao.common.errors import NotFoundError

SESSION_KEY = "casework_public_cases"


def visible_cases(user: Any) -> QuerySet[Case]:
    qs = Case.objects.all()
    if user is None or not user.is_authenticated:
        return qs.none()
    role = getattr(user, "role", None)
    if user.is_superuser or role == Role.PROGRAMME_OFFICE:
        return qs
    if role == Role.DEPARTMENT_REVIEWER and user.department_id:
        return qs.filter(department_id=user.department_id)
    if role == Role.CITY_LEADER:
        return qs.filter(confidential=False)
    if role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    if role == Role.TRAINING_INSTITUTION:
        return qs.filter(filed_by=user)
    return qs.none()


def party_of(user: Any, case: Case, *, public_ids: list[int] | None = None) -> str | None:
    """Which party of the workflow `user` is for `case` (None: may only read, or not at all)."""
    if user is not None and user.is_authenticated:
        role = getattr(user, "role", None)
        if user.is_superuser or role == Role.PROGRAMME_OFFICE:
            return OFFICE
        if role == Role.DEPARTMENT_REVIEWER and case.department_id and user.department_id == case.department_id:
            return DEPARTMENT
        if role == Role.ENTERPRISE and case.enterprise_id and user.enterprise_id == case.enterprise_id:
            return REQUESTER
        if role == Role.TRAINING_INSTITUTION and case.filed_by_id == user.pk:
            return REQUESTER
    if public_ids and case.pk in public_ids and case.enterprise_id is None:
        return REQUESTER
    return None


def access_case(user: Any, number: str, *, public_ids: list[int] | None = None) -> Case:
    """The case `number` if `user` (or the session's verified public cases) may read it; else not found."""
    case = Case.objects.select_related("case_type", "department", "enterprise", "handler").filter(number=number).first()
    if case is None:
        raise NotFoundError()
    if visible_cases(user).filter(pk=case.pk).exists():
        return case
    if public_ids and case.pk in public_ids and case.enterprise_id is None:
        return case
    raise NotFoundError()


def sees_personal_data(user: Any, case: Case) -> bool:
    """Contact details are for the office, the case's department and the requester; others see them masked."""
    return party_of(user, case) in (OFFICE, DEPARTMENT, REQUESTER)


def case_filter_for(user: Any) -> Q:
    return Q(pk__in=visible_cases(user).values("pk"))
