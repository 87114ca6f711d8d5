"""Writes about trainees and their path: record a person once (matched by the keyed hash), read a whole number
(audited), enrol them in a programme (refusing a second subsidy for the same training), attendance, completion,
pass, and the hire that makes the 15 % refund claimable (`confirm_hire_by_person`, called by the recruitment site).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import personal_id
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.registry.models import Enterprise
from waibao.talent.access import runs
from waibao.talent.models import (
    DuplicateRefusal,
    Enrolment,
    EnrolmentStatus,
    HireProofKind,
    Programme,
    ProgrammeKind,
    ProofKind,
    Recognition,
    Trainee,
    TraineeCategory,
)

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


# --- enrolment and the duplicate refusal ----------------------------------------------------------------

# Categories for which the graduation date matters (HZ-17b: fresh and unemployed graduates).
GRADUATE_CATEGORIES = frozenset({TraineeCategory.FRESH_GRADUATE, TraineeCategory.UNEMPLOYED_GRADUATE})
# Categories whose subsidy waits for a hire (the 15 % of HZ-17b-hire, HZ-17d).
HIRE_CATEGORIES = frozenset({*GRADUATE_CATEGORIES, TraineeCategory.CUSTOMISED})


def _check_runs(acting_user: User, programme: Programme) -> None:
    if not runs(acting_user, programme):
        raise PermissionDeniedError()


def subsidised_elsewhere(*, trainee: Trainee, programme: Programme) -> Enrolment | None:
    """The enrolment in which the same person is already subsidisable for the same training at another
    institution or for another enterprise: same type of training in the same year, recognised, not withdrawn."""
    same = (
        Enrolment.objects.filter(
            trainee=trainee,
            programme__kind=programme.kind,
            programme__starts_on__year=programme.starts_on.year,
            programme__recognition=Recognition.RECOGNISED,
        )
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exclude(programme=programme)
        .select_related("programme", "programme__institution", "programme__employer")
    )
    if programme.kind == ProgrammeKind.CUSTOMISED:
        same = same.exclude(programme__employer_id=programme.employer_id, programme__institution=programme.institution)
    else:
        same = same.exclude(programme__institution=programme.institution)
    return same.order_by("pk").first()


def refusal_reason(conflicting: Enrolment) -> str:
    return _(
        "This person is already subsidised for the same training (%(kind)s, %(year)s) in “%(programme)s” "
        "of %(institution)s: the same training is subsidised once."
    ) % {
        "kind": ProgrammeKind(conflicting.programme.kind).label,
        "year": conflicting.programme.starts_on.year,
        "programme": conflicting.programme.name,
        "institution": conflicting.programme.institution.name,
    }


def _refuse_duplicate(
    *, acting_user: User | None, trainee: Trainee, programme: Programme, conflicting: Enrolment
) -> str:
    """Record the refusal (the office sees it) and return its reason."""
    reason = refusal_reason(conflicting)
    refusal = DuplicateRefusal.objects.create(
        trainee=trainee, programme=programme, conflicting=conflicting, reason=reason, refused_by=acting_user
    )
    audit_record(
        actor=acting_user,
        action="talent.duplicate_refused",
        obj=refusal,
        summary=f"{trainee.id_masked} {programme.pk}",
        data={"programme": programme.pk, "conflicting_enrolment": conflicting.pk},
    )
    return reason


class DuplicateSubsidyError(DomainError):
    """The same person is already subsidised for the same training elsewhere; the refusal is on record."""


def enrol(
    *,
    acting_user: User,
    programme: Programme,
    name: str,
    id_type: str,
    id_number: str,
    category: str,
    graduation_date: datetime.date | None = None,
    enrolled_on: datetime.date | None = None,
) -> Enrolment:
    """Enrol a person in a programme. Refused (and the refusal recorded for the office) when the same person is
    already subsidised for the same training by another institution or enterprise."""
    _check_runs(acting_user, programme)
    if category not in TraineeCategory.values:
        raise DomainError(_("Choose the trainee's category."), code="category", field="category")
    if category in GRADUATE_CATEGORIES and graduation_date is None:
        raise DomainError(
            _("Enter the graduation date: it decides whether a graduate is subsidised."),
            code="graduation_date_required",
            field="graduation_date",
        )
    if category == TraineeCategory.CUSTOMISED and programme.kind != ProgrammeKind.CUSTOMISED:
        raise DomainError(
            _("Customised trainees belong to a programme customised for an enterprise."),
            code="category",
            field="category",
        )
    refused = ""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.institution.suspended:
            raise DomainError(_("The institution is suspended: it cannot enrol trainees."), code="suspended")
        trainee = trainee_ensure(
            acting_user=acting_user,
            name=name,
            id_type=id_type,
            id_number=id_number,
            category=category,
            institution=programme.institution,
        )
        if Enrolment.objects.filter(trainee=trainee, programme=programme).exists():
            raise DomainError(_("This person is already enrolled in this programme."), code="already_enrolled")
        taken = programme.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
        if taken >= programme.capacity:
            raise DomainError(_("The programme is full."), code="full")
        conflicting = subsidised_elsewhere(trainee=trainee, programme=programme) if programme.subsidised else None
        if conflicting is None:
            enrolment = Enrolment.objects.create(
                trainee=trainee,
                programme=programme,
                category=category,
                graduation_date=graduation_date,
                enrolled_on=enrolled_on or timezone.localdate(),
            )
            audit_record(
                actor=acting_user,
                action="talent.enrolled",
                obj=enrolment,
                summary=f"{trainee.id_masked} {programme.name}",
            )
            return enrolment
    # Outside the enrolment's transaction: the refusal stays on record although the enrolment is refused.
    with transaction.atomic():
        refused = _refuse_duplicate(
            acting_user=acting_user, trainee=trainee, programme=programme, conflicting=conflicting
        )
    raise DuplicateSubsidyError(refused, code="duplicate_subsidy")


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().select_related("programme", "trainee").get(pk=enrolment.pk)


@transaction.atomic
def attendance_record(*, acting_user: User, enrolment: Enrolment, hours: int) -> Enrolment:
    """The hours the trainee attended so far (never more than the programme's hours)."""
    enrolment = _lock_enrolment(enrolment)
    _check_runs(acting_user, enrolment.programme)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError(_("Attendance is recorded while the trainee is enrolled."), code="not_enrolled")
    if not isinstance(hours, int) or hours < 0 or hours > enrolment.programme.hours:
        raise DomainError(
            _("Enter between 0 and %(hours)s hours.") % {"hours": enrolment.programme.hours},
            code="hours",
            field="hours",
        )
    before = enrolment.attended_hours
    enrolment.attended_hours = hours
    enrolment.save(update_fields=["attended_hours", "updated_at"])
    audit_record(
        actor=acting_user,
        action="talent.attendance_recorded",
        obj=enrolment,
        changes={"attended_hours": [before, hours]},
    )
    return enrolment


@dataclass(frozen=True)
class ProofFile:
    """A certificate of completion or a pass certificate as a view hands it over (a file)."""

    stream: IO[bytes]
    name: str


def _store_file(enrolment: Enrolment, kind: str, proof: ProofFile) -> str:
    """Check the file like evidence (detected type, size, macros), store it and note it on the enrolment."""
    from waibao.applications import evidence as evidence_files

    checked = evidence_files.check_upload(proof.stream, name=proof.name)
    stored = evidence_files.store(checked)
    setattr(enrolment, f"{kind}_proof_name", checked.original_name)
    setattr(enrolment, f"{kind}_proof_stored", stored)
    setattr(enrolment, f"{kind}_proof_sha256", checked.sha256)
    setattr(enrolment, f"{kind}_proof_type", checked.content_type)
    return stored


def completion_record(
    *,
    acting_user: User,
    enrolment: Enrolment,
    completed_on: datetime.date,
    passed: bool | None = None,
    certificate: ProofFile | None = None,
    pass_certificate: ProofFile | None = None,
) -> Enrolment:
    """The trainee completed the programme (and, where the programme tests, passed or not), with the certificate
    of completion and the pass certificate where the institution has them (they may also be attached later:
    `enrolment_proof_attach`); a claim's line needs its proof."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            enrolment = _lock_enrolment(enrolment)
            _check_runs(acting_user, enrolment.programme)
            if enrolment.status != EnrolmentStatus.ENROLLED:
                raise DomainError(_("Only an enrolled trainee can complete the programme."), code="not_enrolled")
            if completed_on < enrolment.programme.starts_on:
                raise DomainError(
                    _("The completion date cannot be before the programme starts."), code="date", field="completed_on"
                )
            if pass_certificate is not None and not passed:
                raise DomainError(
                    _("A pass certificate is attached only for a trainee who passed."),
                    code="proof_not_passed",
                    field="pass_certificate",
                )
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.completed_on = completed_on
            enrolment.passed = passed
            if certificate is not None:
                stored.append(_store_file(enrolment, ProofKind.COMPLETION, certificate))
            if pass_certificate is not None:
                stored.append(_store_file(enrolment, ProofKind.PASS, pass_certificate))
            enrolment.save()
            audit_record(
                actor=acting_user,
                action="talent.completed",
                obj=enrolment,
                changes={"status": [EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED]},
                data={
                    "passed": passed,
                    "certificate": enrolment.completion_proof_sha256,
                    "pass_certificate": enrolment.pass_proof_sha256,
                },
            )
    except BaseException:
        _discarding(stored)
        raise
    return enrolment


def enrolment_proof_attach(
    *, acting_user: User, enrolment: Enrolment, kind: str, proof: ProofFile, hire_proof_kind: str = ""
) -> Enrolment:
    """Attach (or replace) one proof of a trainee's path: the certificate of completion or the pass certificate
    (the institution running the programme), the proof of hire (the institution or the hiring enterprise).

    Refused while the person is on a claim that is still open: the reviewer decides on the proof it was claimed
    with."""
    from waibao.applications.models import CLOSED_STATUSES
    from waibao.talent.models import ClaimLine

    if kind not in ProofKind.values:
        raise DomainError(_("Choose the kind of proof."), code="proof_kind", field="kind")
    stored: list[str] = []
    try:
        with transaction.atomic():
            enrolment = _lock_enrolment(enrolment)
            if kind == ProofKind.HIRE:
                employer = enrolment.employer
                if employer is None:
                    raise DomainError(_("No hire is recorded for this trainee."), code="hire_missing")
                if not (runs(acting_user, enrolment.programme) or _employer_may_act(acting_user, employer)):
                    raise PermissionDeniedError()
            else:
                _check_runs(acting_user, enrolment.programme)
            if enrolment.status != EnrolmentStatus.COMPLETED:
                raise DomainError(
                    _("Proofs are attached once the trainee has completed the programme."), code="not_completed"
                )
            if kind == ProofKind.PASS and not enrolment.passed:
                raise DomainError(
                    _("A pass certificate is attached only for a trainee who passed."),
                    code="proof_not_passed",
                    field="pass_certificate",
                )
            on_claim = (
                ClaimLine.objects.filter(enrolment=enrolment).exclude(application__status__in=CLOSED_STATUSES).exists()
            )
            if on_claim and getattr(enrolment, f"{kind}_proof_stored"):
                raise DomainError(
                    _("This person is on an open claim: its proof can no longer be replaced."), code="on_claim"
                )
            before = getattr(enrolment, f"{kind}_proof_sha256")
            if kind == ProofKind.HIRE:
                stored.append(
                    _store_proof(enrolment, HireProof(kind=hire_proof_kind, stream=proof.stream, name=proof.name))
                )
            else:
                stored.append(_store_file(enrolment, kind, proof))
            enrolment.save()
            audit_record(
                actor=acting_user,
                action="talent.proof_attached",
                obj=enrolment,
                summary=f"{enrolment.trainee.id_masked} {kind}",
                changes={f"{kind}_proof_sha256": [before, getattr(enrolment, f"{kind}_proof_sha256")]},
            )
    except BaseException:
        _discarding(stored)
        raise
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, acting_user: User, enrolment: Enrolment, reason: str) -> Enrolment:
    enrolment = _lock_enrolment(enrolment)
    _check_runs(acting_user, enrolment.programme)
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return enrolment
    before = enrolment.status
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action="talent.withdrawn",
        obj=enrolment,
        summary=reason.strip()[:500],
        changes={"status": [before, EnrolmentStatus.WITHDRAWN]},
    )
    return enrolment


# --- the hire -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HireProof:
    """The proof of a hire as a view hands it over: a labour contract or a social-insurance record (a file)."""

    kind: str
    stream: IO[bytes]
    name: str


def _store_proof(enrolment: Enrolment, proof: HireProof) -> str:
    """Check the file like evidence (detected type, size, macros) and store it; returns the stored name."""
    from waibao.applications import evidence as evidence_files

    if proof.kind not in HireProofKind.values:
        raise DomainError(_("Choose the kind of proof of hire."), code="proof_kind", field="proof_kind")
    checked = evidence_files.check_upload(proof.stream, name=proof.name)
    stored = evidence_files.store(checked)
    enrolment.hire_proof_kind = proof.kind
    enrolment.hire_proof_name = checked.original_name
    enrolment.hire_proof_stored = stored
    enrolment.hire_proof_sha256 = checked.sha256
    enrolment.hire_proof_type = checked.content_type
    return stored


def _employer_may_act(actor: User, employer: Enterprise) -> bool:
    role = getattr(actor, "role", None)
    if role == Role.PROGRAMME_OFFICE:
        return True
    return role == Role.ENTERPRISE and actor.enterprise_id == employer.pk


def awaiting_hire(queryset: Any = None) -> Any:
    """Enrolments that completed a recognised programme and wait for a hire (graduates; customised trainees)."""
    qs = Enrolment.objects.all() if queryset is None else queryset
    return qs.filter(
        status=EnrolmentStatus.COMPLETED,
        programme__recognition=Recognition.RECOGNISED,
        category__in=HIRE_CATEGORIES,
        employer__isnull=True,
    )


def _check_contract_date(enrolment: Enrolment, contract_date: datetime.date) -> None:
    if contract_date > timezone.localdate():
        raise DomainError(_("The contract date cannot be in the future."), code="date", field="contract_date")
    if contract_date < enrolment.programme.starts_on:
        raise DomainError(
            _("The contract date cannot be before the programme starts."), code="date", field="contract_date"
        )


def _apply_hire(
    *,
    enrolment: Enrolment,
    employer: Enterprise,
    contract_date: datetime.date,
    proof: HireProof | None,
    source_ref: str,
    actor: User,
    confirmed: bool,
) -> list[str]:
    """Write the hire on a locked enrolment; returns the stored proof files (to discard if the caller fails)."""
    _check_contract_date(enrolment, contract_date)
    stored = [_store_proof(enrolment, proof)] if proof is not None else []
    now = timezone.now()
    enrolment.employer = employer
    enrolment.contract_date = contract_date
    enrolment.hire_source_ref = source_ref.strip()[:200]
    enrolment.hire_recorded_at = now
    enrolment.hire_confirmed_at = now if confirmed else None
    enrolment.hire_confirmed_by = actor if confirmed else None
    enrolment.save()
    audit_record(
        actor=actor,
        action="talent.hire_confirmed" if confirmed else "talent.hire_recorded",
        obj=enrolment,
        summary=f"{enrolment.trainee.id_masked} {employer.name} {contract_date}",
        data={"employer": employer.pk, "source_ref": enrolment.hire_source_ref, "proof": enrolment.hire_proof_name},
    )
    return stored


def _discarding(stored: list[str]) -> None:
    from waibao.applications import evidence as evidence_files

    for name in stored:
        evidence_files.discard(name)


def hire_record(
    *,
    acting_user: User,
    enrolment: Enrolment,
    employer: Enterprise,
    contract_date: datetime.date,
    proof: HireProof,
) -> Enrolment:
    """The institution (or the office) records a hire with its proof; the employer then confirms it
    (`hire_confirm`). An employer recording its own hire confirms it at once (`confirm_hire_by_person`)."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            enrolment = _lock_enrolment(enrolment)
            _check_runs(acting_user, enrolment.programme)
            if not awaiting_hire(Enrolment.objects.filter(pk=enrolment.pk)).exists():
                raise DomainError(
                    _("A hire is recorded for a trainee who completed a recognised programme and is not hired yet."),
                    code="not_awaiting_hire",
                )
            stored = _apply_hire(
                enrolment=enrolment,
                employer=employer,
                contract_date=contract_date,
                proof=proof,
                source_ref="",
                actor=acting_user,
                confirmed=False,
            )
    except BaseException:
        _discarding(stored)
        raise
    return enrolment


@transaction.atomic
def hire_confirm(*, acting_user: User, enrolment: Enrolment) -> Enrolment:
    """The hiring enterprise confirms a hire an institution recorded with it."""
    enrolment = _lock_enrolment(enrolment)
    if enrolment.employer_id is None or enrolment.employer is None:
        raise DomainError(_("No hire is recorded for this trainee."), code="hire_missing")
    if not _employer_may_act(acting_user, enrolment.employer):
        raise PermissionDeniedError()
    if enrolment.hire_confirmed_at is not None:
        return enrolment
    enrolment.hire_confirmed_at = timezone.now()
    enrolment.hire_confirmed_by = acting_user
    enrolment.save(update_fields=["hire_confirmed_at", "hire_confirmed_by", "updated_at"])
    audit_record(
        actor=acting_user,
        action="talent.hire_confirmed",
        obj=enrolment,
        summary=f"{enrolment.trainee.id_masked} {enrolment.employer.name}",
    )
    return enrolment


def confirm_hire_by_person(
    *,
    person_id_hash: str,
    employer: Enterprise,
    contract_date: datetime.date,
    proof: HireProof | None = None,
    source_ref: str = "",
    actor: User,
) -> Trainee | None:
    """Record and confirm a hire by the employer itself, found by the person's identity hash.

    Called by the recruitment site when an enterprise records a hire, and usable from any other channel.

    - `person_id_hash`: `waibao.common.personal_id.id_hash(id_type, number)` of the person hired (the same keyed
      hash trainees are stored under; the hash covers the document type, so it is matched alone).
    - `employer`: the registry `Enterprise` that hires; `actor` must be one of its users (or the programme office).
    - `contract_date`: the labour contract's date (not in the future, not before the programme started).
    - `proof`: optional `HireProof` (labour contract or social-insurance record), checked like evidence.
    - `source_ref`: where the hire was recorded (e.g. ``"recruitment:application:42"``), kept on the enrolment.

    Every enrolment of that person that completed a recognised programme and awaits a hire (graduate or
    customised categories, no employer yet) records the hire with `employer`, confirmed at once (the employer
    itself states it). This makes the HZ-17b-hire 15 % refund (and HZ-17d for customised training) claimable
    through the employer: `waibao.talent.claims.claims_generate` picks it up.

    Returns the `Trainee`, or None when no trainee with that hash awaits a hire (nothing is written then).
    Raises `PermissionDeniedError` when `actor` may not act for `employer`, `DomainError` for a bad date or proof.
    """
    if not _employer_may_act(actor, employer):
        raise PermissionDeniedError()
    stored: list[str] = []
    try:
        with transaction.atomic():
            enrolments = list(
                awaiting_hire()
                .filter(trainee__id_hash=person_id_hash)
                .select_for_update()
                .select_related("programme", "trainee")
                .order_by("pk")
            )
            if not enrolments:
                return None
            proof_bytes = proof.stream.read() if proof is not None else b""
            for enrolment in enrolments:
                one_proof = None
                if proof is not None:
                    one_proof = HireProof(kind=proof.kind, stream=io.BytesIO(proof_bytes), name=proof.name)
                stored += _apply_hire(
                    enrolment=enrolment,
                    employer=employer,
                    contract_date=contract_date,
                    proof=one_proof,
                    source_ref=source_ref,
                    actor=actor,
                    confirmed=True,
                )
    except BaseException:
        _discarding(stored)
        raise
    return enrolments[0].trainee
