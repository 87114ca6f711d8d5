"""Writes about trainees: record a person once (matched by the keyed hash), and read a whole number (audited)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import personal_id
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.talent.models import Trainee, TraineeCategory

# The few roles that may read a whole identity number (to check it against the trainee list): always audited.
REVEAL_ROLES = frozenset({Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER})


def trainee_ensure(
    *, acting_user: User, name: str, id_type: str, id_number: str, category: str = "", institution: Any = None
) -> Trainee:
    """The trainee with this identity (found by its keyed hash), recorded now if new. The name must agree."""
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(_("Enter the trainee's name."), code="name_required", field="trainee_name")
    if category and category not in TraineeCategory.values:
        raise DomainError(_("Choose the trainee's category."), code="category", field="category")
    try:
        protected = personal_id.protect(id_type, id_number)
    except DomainError as exc:  # the form's fields are named trainee_id_type / trainee_id_number
        raise DomainError(exc.message, code=exc.code, field=f"trainee_{exc.field}" if exc.field else None) from None
    with transaction.atomic():
        existing = Trainee.objects.filter(id_type=protected.id_type, id_hash=protected.id_hash).first()
        if existing is not None:
            if existing.name != name:
                raise DomainError(
                    _("This identity number is already recorded under another name: please check both."),
                    code="name_mismatch",
                    field="trainee_name",
                )
            return existing
        try:
            with transaction.atomic():
                trainee = Trainee.objects.create(
                    name=name[:100],
                    id_type=protected.id_type,
                    id_hash=protected.id_hash,
                    id_masked=protected.id_masked,
                    id_encrypted=protected.id_encrypted,
                    category=category,
                    first_institution=institution,
                )
        except IntegrityError:  # recorded by a concurrent request
            return Trainee.objects.get(id_type=protected.id_type, id_hash=protected.id_hash)
        audit_record(
            actor=acting_user,
            action="talent.trainee_recorded",
            obj=trainee,
            summary=f"{trainee.name} {trainee.id_masked}",
        )
    return trainee


@transaction.atomic
def trainee_id_reveal(*, acting_user: User, trainee: Trainee, reason: str) -> str:
    """The whole identity number, for the few roles that need it; every reading is an audit event.

    The caller has checked the user may see the record the trainee appears on (e.g. `access_application`)."""
    if getattr(acting_user, "role", None) not in REVEAL_ROLES:
        raise PermissionDeniedError()
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    number = personal_id.decrypt(trainee.id_encrypted)
    audit_record(
        actor=acting_user,
        action="talent.trainee_id_revealed",
        obj=trainee,
        summary=reason.strip()[:500],
        data={"id_masked": trainee.id_masked},
    )
    return number
