"""Who may see and act on duties: one check for the object kind."""

from __future__ import annotations

from typing import Any

from waibao.accounts.models import Role, User
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.governance.models import Duty

# The division of work is read by all staff and the city's leaders; the office coordinates.
DUTY_READERS = (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER, Role.CITY_LEADER)


def can_read_duties(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in DUTY_READERS


def is_duty_department(user: User, duty: Duty) -> bool:
    """A reviewer of the lead department or a co-department reports on the duty."""
    if user.role != Role.DEPARTMENT_REVIEWER or user.department_id is None:
        return False
    if duty.department_id == user.department_id:
        return True
    return duty.partners.filter(pk=user.department_id).exists()


def access_duty(user: Any, duty_id: int, *, action: str = "read") -> Duty:
    """`action`: read (staff and leaders), report (the duty's departments), decide / assign (the office)."""
    if not can_read_duties(user):
        raise PermissionDeniedError()
    duty = Duty.objects.select_related("department").filter(pk=duty_id).first()
    if duty is None:
        raise NotFoundError()
    if action == "read":
        return duty
    if action == "report" and is_duty_department(user, duty):
        return duty
    if action in ("decide", "assign") and user.role == Role.PROGRAMME_OFFICE:
        return duty
    raise PermissionDeniedError()
