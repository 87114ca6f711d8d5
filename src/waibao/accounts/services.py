"""Writes to accounts: staff accounts made by the programme office, and the demo accounts."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.governance.models import Department
from waibao.registry.models import Zone
from waibao.talent.models import TrainingInstitution

STAFF_ACCOUNT_ROLES = (
    Role.PROGRAMME_OFFICE,
    Role.DEPARTMENT_REVIEWER,
    Role.FINANCE_OFFICER,
    Role.TRAINING_INSTITUTION,
    Role.CITY_LEADER,
)


@transaction.atomic
def staff_user_create(
    *,
    acting_user: User,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    email: str = "",
    department: Department | None = None,
    zone: Zone | None = None,
    training_institution: TrainingInstitution | None = None,
) -> User:
    """The programme office makes accounts for staff and training institutions (enterprises register themselves)."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    if role not in STAFF_ACCOUNT_ROLES:
        raise DomainError(_("Enterprise accounts are made by self-registration."), field="role", code="role")
    if role == Role.DEPARTMENT_REVIEWER and department is None:
        raise DomainError(_("A department reviewer belongs to a department."), field="department", code="required")
    if role == Role.TRAINING_INSTITUTION and training_institution is None:
        raise DomainError(
            _("A training-institution user belongs to an institution."),
            field="training_institution",
            code="required",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), field="username", code="duplicate")
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        department=department if role == Role.DEPARTMENT_REVIEWER else None,
        zone=zone if role in (Role.DEPARTMENT_REVIEWER, Role.PROGRAMME_OFFICE) else None,
        training_institution=training_institution if role == Role.TRAINING_INSTITUTION else None,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password", code="password") from None
    user.set_password(password)
    user.save()
    audit_record(
        actor=acting_user,
        action="user.created",
        obj=user,
        summary=f"{username} ({role})",
        data={"role": role, "department": department.code if department else None},
    )
    return user


@transaction.atomic
def user_set_active(*, acting_user: User, user: User, active: bool) -> User:
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    if user.pk == acting_user.pk and not active:
        raise DomainError(_("You cannot deactivate your own account."), code="self")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=acting_user, action="user.activated" if active else "user.deactivated", obj=user)
    return user
