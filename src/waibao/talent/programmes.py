"""Programmes: an institution (or the office) sets one up; the department recognises it for subsidy before it starts.

A programme never recognised (or refused) yields no subsidy: its enrolments show "no subsidy" with the reason,
and no claim is generated for it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.money import MoneyError, parse_money
from waibao.common.text import clean_text
from waibao.registry.models import Enterprise, Zone
from waibao.talent.access import decides, runs
from waibao.talent.models import Programme, ProgrammeKind, Recognition, TrainingInstitution


def _institution_for(acting_user: User, institution: TrainingInstitution | None) -> TrainingInstitution:
    if acting_user.role == Role.TRAINING_INSTITUTION and acting_user.training_institution_id:
        if institution is not None and institution.pk != acting_user.training_institution_id:
            raise PermissionDeniedError()
        return TrainingInstitution.objects.get(pk=acting_user.training_institution_id)
    if acting_user.role == Role.PROGRAMME_OFFICE and institution is not None:
        return institution
    raise PermissionDeniedError()


@transaction.atomic
def programme_create(
    *,
    acting_user: User,
    name_zh: str,
    kind: str,
    fee_cny: Any,
    capacity: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours: int,
    name_en: str = "",
    employer: Enterprise | None = None,
    zone: Zone | None = None,
    institution: TrainingInstitution | None = None,
) -> Programme:
    institution = _institution_for(acting_user, institution)
    if not institution.approved or institution.suspended:
        raise DomainError(
            _("Only an approved institution that is not suspended may set up programmes."), code="not_approved"
        )
    if not str(name_zh or "").strip():
        raise DomainError(_("Enter the Chinese name."), field="name_zh", code="required")
    if kind not in ProgrammeKind.values:
        raise DomainError(_("Choose the type of training."), field="kind", code="kind")
    try:
        fee: Decimal = parse_money(fee_cny)
    except MoneyError as exc:
        raise DomainError(exc.message, field="fee_cny", code="fee") from None
    if capacity is None or int(capacity) < 1:
        raise DomainError(_("The capacity must be at least 1."), field="capacity", code="capacity")
    if hours is None or int(hours) < 1:
        raise DomainError(_("Enter the hours of training."), field="hours", code="hours")
    if ends_on < starts_on:
        raise DomainError(_("The programme cannot end before it starts."), field="ends_on", code="dates")
    if kind == ProgrammeKind.CUSTOMISED and employer is None:
        raise DomainError(
            _("Name the enterprise the training is customised for."), field="employer", code="employer_required"
        )
    programme = Programme.objects.create(
        institution=institution,
        name_zh=name_zh.strip()[:200],
        name_en=(name_en or "").strip()[:300],
        kind=kind,
        fee_cny=fee,
        capacity=int(capacity),
        starts_on=starts_on,
        ends_on=ends_on,
        hours=int(hours),
        employer=employer if kind == ProgrammeKind.CUSTOMISED else None,
        zone=zone,
    )
    audit_record(actor=acting_user, action="talent.programme_created", obj=programme, summary=programme.name_zh)
    return programme


@transaction.atomic
def programme_request_recognition(*, acting_user: User, programme: Programme) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not runs(acting_user, programme):
        raise PermissionDeniedError()
    if programme.recognition not in (Recognition.DRAFT, Recognition.NOT_RECOGNISED):
        raise DomainError(_("Recognition is already requested or decided."), code="invalid_transition")
    if programme.starts_on <= timezone.localdate():
        raise DomainError(
            _("A programme is recognised before it starts: this one has started, so it yields no subsidy."),
            code="started",
        )
    before = programme.recognition
    programme.recognition = Recognition.REQUESTED
    programme.save(update_fields=["recognition", "updated_at"])
    audit_record(
        actor=acting_user,
        action="talent.recognition_requested",
        obj=programme,
        changes={"recognition": [before, Recognition.REQUESTED]},
    )
    return programme


@transaction.atomic
def programme_decide_recognition(
    *, acting_user: User, programme: Programme, recognise: bool, reason: str = ""
) -> Programme:
    """The department recognises the programme for subsidy (before it starts), or refuses with a reason."""
    if not decides(acting_user):
        raise PermissionDeniedError()
    reason = clean_text(reason, field="reason", multiline=True)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.recognition != Recognition.REQUESTED:
        raise DomainError(_("No recognition is waiting for a decision."), code="invalid_transition")
    if recognise and programme.starts_on <= timezone.localdate():
        raise DomainError(_("The programme has started: it can no longer be recognised for subsidy."), code="started")
    if not recognise and not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    target = Recognition.RECOGNISED if recognise else Recognition.NOT_RECOGNISED
    programme.recognition = target
    programme.recognition_reason = reason.strip()
    programme.recognised_at = timezone.now() if recognise else None
    programme.recognised_by = acting_user if recognise else None
    programme.save(update_fields=["recognition", "recognition_reason", "recognised_at", "recognised_by", "updated_at"])
    audit_record(
        actor=acting_user,
        action="talent.programme_recognised" if recognise else "talent.programme_not_recognised",
        obj=programme,
        summary=reason.strip()[:500],
        changes={"recognition": [Recognition.REQUESTED, target]},
    )
    return programme
