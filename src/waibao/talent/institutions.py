"""Training institutions: the programme office adds them and approves them (HZ-16/17), without the admin."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.registry.credit_code import check_credit_code, normalise
from waibao.talent.models import TrainingInstitution


def _office(acting_user: User) -> None:
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()


@transaction.atomic
def training_institution_create(
    *, acting_user: User, credit_code: str, name_zh: str, name_en: str = "", approved: bool = False
) -> TrainingInstitution:
    _office(acting_user)
    code = normalise(credit_code)
    if check_credit_code(code).errors:
        raise DomainError(_("This is not a valid unified social credit code."), field="credit_code", code="credit_code")
    if not name_zh.strip():
        raise DomainError(_("Enter the Chinese name."), field="name_zh", code="required")
    if TrainingInstitution.objects.filter(credit_code=code).exists():
        raise DomainError(_("An institution with this credit code exists."), field="credit_code", code="duplicate")
    institution = TrainingInstitution.objects.create(
        credit_code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), approved=approved
    )
    audit_record(actor=acting_user, action="institution.created", obj=institution, summary=institution.name_zh)
    return institution


@transaction.atomic
def training_institution_set_approved(
    *, acting_user: User, institution: TrainingInstitution, approved: bool
) -> TrainingInstitution:
    _office(acting_user)
    institution = TrainingInstitution.objects.select_for_update().get(pk=institution.pk)
    if institution.approved == approved:
        return institution
    institution.approved = approved
    institution.save(update_fields=["approved", "updated_at"])
    action = "institution.approved" if approved else "institution.approval_withdrawn"
    audit_record(actor=acting_user, action=action, obj=institution, summary=institution.name_zh)
    return institution
