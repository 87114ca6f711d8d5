"""Training institutions (HZ-16/17): added by the office, approved on request by the department for a period
(renewed, lapsing, suspended); training bases; the year's training plan targets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.registry.credit_code import check_credit_code, normalise
from waibao.registry.models import Zone
from waibao.talent.access import decides
from waibao.talent.models import (
    ApprovalKind,
    ApprovalStatus,
    InstitutionApproval,
    PlanTarget,
    ProgrammeKind,
    TrainingBase,
    TrainingInstitution,
)


@dataclass(frozen=True)
class UploadedDocument:
    """An uploaded document as a view hands it over (name and stream)."""

    name: str
    stream: IO[bytes]


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


# --- approval requests, renewals, suspension -----------------------------------------------------------


def _own_institution(acting_user: User, institution: TrainingInstitution) -> None:
    if acting_user.role == Role.PROGRAMME_OFFICE:
        return
    if acting_user.role == Role.TRAINING_INSTITUTION and acting_user.training_institution_id == institution.pk:
        return
    raise PermissionDeniedError()


def approval_request(
    *,
    acting_user: User,
    institution: TrainingInstitution,
    valid_from: datetime.date,
    valid_until: datetime.date,
    document: UploadedDocument | None = None,
) -> InstitutionApproval:
    """The institution asks to be approved (or renewed) for the period, with its documents (checked like evidence)."""
    from waibao.applications import evidence as evidence_files

    _own_institution(acting_user, institution)
    if valid_until < valid_from:
        raise DomainError(_("The period cannot end before it starts."), field="valid_until", code="dates")
    if document is None:
        raise DomainError(_("Attach the documents of the request."), field="document", code="document_required")
    checked = evidence_files.check_upload(document.stream, name=document.name)
    stored = evidence_files.store(checked)
    try:
        with transaction.atomic():
            institution = TrainingInstitution.objects.select_for_update().get(pk=institution.pk)
            if institution.approvals.filter(status=ApprovalStatus.SUBMITTED).exists():
                raise DomainError(_("A request is already waiting for the department."), code="pending")
            kind = ApprovalKind.RENEWAL if institution.approved else ApprovalKind.INITIAL
            approval = InstitutionApproval.objects.create(
                institution=institution,
                kind=kind,
                valid_from=valid_from,
                valid_until=valid_until,
                document_name=checked.original_name,
                document_stored=stored,
                document_sha256=checked.sha256,
                document_type=checked.content_type,
            )
            audit_record(
                actor=acting_user,
                action="institution.approval_requested",
                obj=approval,
                summary=f"{institution.name_zh} {valid_from}–{valid_until}",
            )
    except BaseException:
        evidence_files.discard(stored)
        raise
    return approval


@transaction.atomic
def approval_decide(
    *, acting_user: User, approval: InstitutionApproval, approve: bool, reason: str = ""
) -> InstitutionApproval:
    """The responsible department approves (the institution is approved until the end of the period) or refuses."""
    if not decides(acting_user):
        raise PermissionDeniedError()
    approval = InstitutionApproval.objects.select_for_update().select_related("institution").get(pk=approval.pk)
    if approval.status != ApprovalStatus.SUBMITTED:
        raise DomainError(_("This request is already decided."), code="invalid_transition")
    if not approve and not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    approval.decided_by = acting_user
    approval.decided_at = timezone.now()
    approval.reason = reason.strip()
    approval.save()
    if approve:
        institution = TrainingInstitution.objects.select_for_update().get(pk=approval.institution_id)
        institution.approved = True
        institution.approved_until = approval.valid_until
        institution.save(update_fields=["approved", "approved_until", "updated_at"])
    audit_record(
        actor=acting_user,
        action="institution.approved" if approve else "institution.approval_refused",
        obj=approval.institution,
        summary=reason.strip()[:500],
        data={"approval": approval.pk, "valid_until": approval.valid_until},
    )
    return approval


@transaction.atomic
def institution_suspend(
    *, acting_user: User, institution: TrainingInstitution, suspend: bool, reason: str = ""
) -> TrainingInstitution:
    """Suspend an institution (it can set up no programme and enrol nobody) or lift the suspension."""
    if not decides(acting_user):
        raise PermissionDeniedError()
    if suspend and not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    institution = TrainingInstitution.objects.select_for_update().get(pk=institution.pk)
    if institution.suspended == suspend:
        return institution
    institution.suspended = suspend
    institution.suspension_reason = reason.strip() if suspend else ""
    institution.save(update_fields=["suspended", "suspension_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action="institution.suspended" if suspend else "institution.suspension_lifted",
        obj=institution,
        summary=reason.strip()[:500],
    )
    return institution


def approval_expire(*, today: datetime.date | None = None) -> int:
    """Approvals past their period lapse (run daily): the institution is no longer approved until renewed."""
    today = today or timezone.localdate()
    count = 0
    for institution in TrainingInstitution.objects.filter(approved=True, approved_until__lt=today):
        with transaction.atomic():
            TrainingInstitution.objects.filter(pk=institution.pk).update(approved=False)
            audit_record(actor=None, action="institution.approval_lapsed", obj=institution, summary=str(today))
        count += 1
    return count


# --- training bases -----------------------------------------------------------------------------------------


@transaction.atomic
def training_base_designate(
    *,
    acting_user: User,
    name_zh: str,
    zone: Zone,
    focus: str,
    designated_on: datetime.date,
    name_en: str = "",
    institution: TrainingInstitution | None = None,
) -> TrainingBase:
    _office(acting_user)
    if not name_zh.strip():
        raise DomainError(_("Enter the Chinese name."), field="name_zh", code="required")
    if not focus.strip():
        raise DomainError(_("Enter the focus of the base."), field="focus", code="required")
    base = TrainingBase.objects.create(
        name_zh=name_zh.strip()[:200],
        name_en=name_en.strip()[:300],
        zone=zone,
        focus=focus.strip()[:200],
        institution=institution,
        designated_on=designated_on,
    )
    audit_record(actor=acting_user, action="talent.base_designated", obj=base, summary=base.name_zh)
    return base


# --- the year's training plan --------------------------------------------------------------------------------


@transaction.atomic
def plan_target_set(
    *,
    acting_user: User,
    year: int,
    kind: str,
    enrolled: int,
    completed: int,
    hired: int,
    zone: Zone | None = None,
) -> PlanTarget:
    """Set (or change) one target of the year's training plan: by type of training and zone (None: city-wide)."""
    _office(acting_user)
    if kind not in ProgrammeKind.values:
        raise DomainError(_("Choose the type of training."), field="kind", code="kind")
    if not 1990 <= int(year) <= 2200:
        raise DomainError(_("Enter a year such as 2008."), field="year", code="invalid_year")
    if min(enrolled, completed, hired) < 0 or not enrolled >= completed >= hired:
        raise DomainError(
            _("Targets are counts, with as many enrolled as completed, and as many completed as hired."),
            field="enrolled",
            code="targets",
        )
    target, created = PlanTarget.objects.select_for_update().get_or_create(
        year=year, kind=kind, zone=zone, defaults={"enrolled": enrolled, "completed": completed, "hired": hired}
    )
    before = None if created else [target.enrolled, target.completed, target.hired]
    target.enrolled, target.completed, target.hired = enrolled, completed, hired
    target.save()
    audit_record(
        actor=acting_user,
        action="talent.plan_target_set",
        obj=target,
        summary=f"{year} {kind}",
        changes={"targets": [before, [enrolled, completed, hired]]},
    )
    return target
