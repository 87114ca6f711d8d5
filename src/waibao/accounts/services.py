"""Writes to accounts: staff accounts made by the programme office, and the demo accounts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.text import clean_text
from waibao.governance.models import Department
from waibao.registry.models import Enterprise, Zone
from waibao.talent.models import TrainingInstitution

STAFF_ACCOUNT_ROLES = (
    Role.PROGRAMME_OFFICE,
    Role.DEPARTMENT_REVIEWER,
    Role.FINANCE_OFFICER,
    Role.TRAINING_INSTITUTION,
    Role.ENTERPRISE,
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
    enterprise: Enterprise | None = None,
) -> User:
    """The programme office makes accounts for every role: staff, training institutions, and a further user of
    an enterprise already in the registry (new enterprises register themselves)."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    full_name = clean_text(full_name, field="full_name")
    email = clean_text(email, field="email")
    if role not in STAFF_ACCOUNT_ROLES:
        raise DomainError(_("Choose a role."), field="role", code="role")
    if role == Role.ENTERPRISE and enterprise is None:
        raise DomainError(
            _("An enterprise user belongs to an enterprise in the registry."), field="enterprise", code="required"
        )
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
        enterprise=enterprise if role == Role.ENTERPRISE else None,
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
    if user.is_superuser and not active:
        raise DomainError(_("The administrator's account cannot be deactivated here."), code="superuser")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=acting_user, action="user.activated" if active else "user.deactivated", obj=user)
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a user reads (their notifications and e-mails are written in it)."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return user
    user.language = language
    user.save(update_fields=["language"])
    return user
