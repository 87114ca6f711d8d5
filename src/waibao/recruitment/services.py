"""Writes of the recruitment site. Each is one transaction with its audit record; mail goes after commit.

Postings: `posting_save` (the enterprise drafts or edits), `posting_transition` (submit, publish, return,
close), `postings_expire` and `posting_reminders_send` (the daily run, no user). Job seekers:
`job_seeker_register`, `job_seeker_update`, `cv_upload`. Applications for jobs: `candidacy_create`,
`candidacy_decide` (shortlist, decline), `candidacy_withdraw`, `candidacy_hire` (which sends
`signals.hire_recorded`).

Files (CVs, proofs of hire) are checked and stored as evidence is (`applications/evidence.py`); a file
written for a transaction that rolls back is removed again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.applications import evidence
from waibao.audit.services import audit_record
from waibao.common import personal_id, public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.mail import absolute_url, send_on_commit
from waibao.common.text import clean_text
from waibao.recruitment.models import (
    Candidacy,
    CandidacyStatus,
    HireProofKind,
    JobSeeker,
    Posting,
    PostingStatus,
    WorkLanguage,
)
from waibao.recruitment.signals import HireProofFile, hire_recorded
from waibao.recruitment.workflow import EDITABLE, POSTING_WORKFLOW
from waibao.registry.models import Enterprise, EnterpriseStatus, ServiceCategory, Zone

# Days before the closing date on which the enterprise is reminded (once per closing date).
REMINDER_DAYS_BEFORE = 3
MAX_OPEN_DAYS = 180  # a posting stays open at most half a year; it may be posted again
POSTING_ENTERPRISES = (EnterpriseStatus.REGISTERED, EnterpriseStatus.VERIFIED, EnterpriseStatus.RECOGNISED)


# --- mail -----------------------------------------------------------------------------------------------


def _mail_users(users: Iterable[User], subject: Callable[[], str], body: Callable[[], str]) -> None:
    """One message per user, written in the language that user reads."""
    for user in users:
        if not user.email or not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            send_on_commit(subject(), body(), [user.email])


def _enterprise_users(enterprise_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True))


# --- postings -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingFields:
    title: str
    category: ServiceCategory
    zone: Zone | None
    languages: Sequence[str]
    salary_min_cny: Decimal | None
    salary_max_cny: Decimal | None
    openings: int
    description: str
    closing_date: datetime.date


def _check_posting_fields(fields: PostingFields, *, today: datetime.date) -> PostingFields:
    title = clean_text(fields.title, field="title").strip()
    description = clean_text(fields.description, field="description", multiline=True).strip()
    if not title:
        raise DomainError(_("Give the job a title."), field="title", code="required")
    if not description:
        raise DomainError(_("Describe the job."), field="description", code="required")
    if fields.category.parent_id is None:
        raise DomainError(_("Choose a service category, not only ITO, BPO or KPO."), field="category", code="category")
    languages = sorted(set(fields.languages))
    unknown = [code for code in languages if code not in WorkLanguage.values]
    if unknown:
        raise DomainError(_("Choose the working languages from the list."), field="languages", code="language")
    low, high = fields.salary_min_cny, fields.salary_max_cny
    if (low is not None and low <= 0) or (high is not None and high <= 0):
        raise DomainError(_("A salary is more than zero."), field="salary_min_cny", code="salary")
    if low is not None and high is not None and high < low:
        raise DomainError(_("The highest salary is below the lowest."), field="salary_max_cny", code="salary_order")
    if fields.openings < 1:
        raise DomainError(_("At least one opening."), field="openings", code="openings")
    if fields.closing_date <= today:
        raise DomainError(_("The closing date must be after today."), field="closing_date", code="closing_date")
    if fields.closing_date > today + datetime.timedelta(days=MAX_OPEN_DAYS):
        raise DomainError(
            _("A posting stays open at most %(days)s days; post it again after it closes.") % {"days": MAX_OPEN_DAYS},
            field="closing_date",
            code="closing_date",
        )
    return PostingFields(
        title=title,
        category=fields.category,
        zone=fields.zone,
        languages=languages,
        salary_min_cny=low,
        salary_max_cny=high,
        openings=fields.openings,
        description=description,
        closing_date=fields.closing_date,
    )


@transaction.atomic
def posting_save(
    *, acting_user: User, fields: PostingFields, posting: Posting | None = None, today: datetime.date | None = None
) -> Posting:
    """The enterprise creates a draft, or edits its draft or returned posting."""
    if acting_user.role != Role.ENTERPRISE or not acting_user.enterprise_id:
        raise PermissionDeniedError()
    enterprise = Enterprise.objects.get(pk=acting_user.enterprise_id)
    if enterprise.status not in POSTING_ENTERPRISES:
        raise DomainError(_("A rejected or suspended enterprise cannot post jobs."), code="enterprise_status")
    checked = _check_posting_fields(fields, today=today or timezone.localdate())
    if posting is None:
        posting = Posting(enterprise=enterprise, created_by=acting_user)
        action = "posting.created"
    else:
        posting = Posting.objects.select_for_update().get(pk=posting.pk)
        if posting.enterprise_id != enterprise.pk:
            raise PermissionDeniedError()
        if posting.status not in EDITABLE:
            raise DomainError(_("Only a draft or a returned posting can be changed."), code="not_editable")
        action = "posting.edited"
    posting.title = checked.title
    posting.category = checked.category
    posting.zone = checked.zone if checked.zone is not None else enterprise.zone
    posting.languages = list(checked.languages)
    posting.salary_min_cny = checked.salary_min_cny
    posting.salary_max_cny = checked.salary_max_cny
    posting.openings = checked.openings
    posting.description = checked.description
    posting.closing_date = checked.closing_date
    posting.save()
    public_cache.changed(public_cache.RECRUITMENT)
    audit_record(actor=acting_user, action=action, obj=posting, summary=posting.title)
    return posting


@transaction.atomic
def posting_transition(
    *, acting_user: User, posting: Posting, action: str, reason: str = "", today: datetime.date | None = None
) -> Posting:
    """Submit (the enterprise), publish or return (the office), close now (either)."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    if acting_user.role == Role.ENTERPRISE and acting_user.enterprise_id != posting.enterprise_id:
        raise PermissionDeniedError()
    reason = clean_text(reason, field="reason").strip()
    transition = POSTING_WORKFLOW.check(name=action, state=posting.status, role=acting_user.role, reason=reason)
    today = today or timezone.localdate()
    if action in ("submit", "publish") and posting.closing_date <= today:
        raise DomainError(
            _("The closing date has passed: change it before the posting is published."),
            field="closing_date",
            code="closing_date",
        )
    before = posting.status
    posting.status = transition.target
    posting.status_reason = reason if transition.needs_reason else ""
    update = ["status", "status_reason", "updated_at"]
    if action in ("publish", "return"):
        posting.reviewed_by = acting_user
        update.append("reviewed_by")
    if action == "publish":
        posting.published_at = timezone.now()
        update.append("published_at")
    posting.save(update_fields=update)
    public_cache.changed(public_cache.RECRUITMENT)  # the job board shows published postings
    audit_record(
        actor=acting_user,
        action=f"posting.{action}",
        obj=posting,
        summary=posting.title,
        changes={"status": [before, posting.status]},
        data={"reason": reason} if reason else None,
    )
    if action in ("publish", "return"):
        _mail_posting_decision(posting, action, reason)
    return posting


def _mail_posting_decision(posting: Posting, action: str, reason: str) -> None:
    link = absolute_url(reverse("recruitment:posting", args=[posting.pk]))

    def subject() -> str:
        if action == "publish":
            return _("Your job posting “%(title)s” is published") % {"title": posting.title}
        return _("Your job posting “%(title)s” was returned for changes") % {"title": posting.title}

    def body() -> str:
        if action == "publish":
            text = _("It can be read and applied for until %(date)s.") % {"date": posting.closing_date.isoformat()}
        else:
            text = _("The programme office asks: %(reason)s") % {"reason": reason}
        return f"{text}\n\n{link}"

    _mail_users(_enterprise_users(posting.enterprise_id), subject, body)


def postings_expire(*, today: datetime.date) -> int:
    """Close every published posting whose closing date is before `today` (run daily); returns how many."""
    closed = 0
    due = Posting.objects.filter(status=PostingStatus.PUBLISHED, closing_date__lt=today).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            posting = Posting.objects.select_for_update().filter(pk=pk, status=PostingStatus.PUBLISHED).first()
            if posting is None or posting.closing_date >= today:
                continue  # closed or changed meanwhile
            posting.status = PostingStatus.EXPIRED
            posting.save(update_fields=["status", "updated_at"])
            public_cache.changed(public_cache.RECRUITMENT)
            audit_record(
                actor=None,
                action="posting.expired",
                obj=posting,
                summary=posting.title,
                changes={"status": [PostingStatus.PUBLISHED, PostingStatus.EXPIRED]},
                data={"closing_date": posting.closing_date.isoformat()},
            )
            closed += 1
    return closed


def posting_reminders_send(*, today: datetime.date, days_before: int = REMINDER_DAYS_BEFORE) -> int:
    """Remind each enterprise, once per closing date, that a published posting closes within `days_before`
    days (mail in each user's language). Returns how many postings were reminded."""
    last_day = today + datetime.timedelta(days=days_before)
    due = Posting.objects.filter(
        status=PostingStatus.PUBLISHED, closing_date__gte=today, closing_date__lte=last_day
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due):
        with transaction.atomic():
            posting = Posting.objects.select_for_update().filter(pk=pk, status=PostingStatus.PUBLISHED).first()
            if posting is None or posting.reminded_for == posting.closing_date:
                continue
            posting.reminded_for = posting.closing_date
            posting.save(update_fields=["reminded_for"])
            audit_record(actor=None, action="posting.reminded", obj=posting, summary=posting.title)
            _mail_reminder(posting, today=today)
            reminded += 1
    return reminded


def _mail_reminder(posting: Posting, *, today: datetime.date) -> None:
    link = absolute_url(reverse("recruitment:applicants", args=[posting.pk]))
    days = (posting.closing_date - today).days

    def subject() -> str:
        return _("Your job posting “%(title)s” closes on %(date)s") % {
            "title": posting.title,
            "date": posting.closing_date.isoformat(),
        }

    def body() -> str:
        text = _(
            "The posting closes in %(days)s days. After that it stays readable, marked as closed, and takes no "
            "more applications. To keep recruiting, post it again after it closes."
        ) % {"days": days}
        return f"{text}\n\n{link}"

    _mail_users(_enterprise_users(posting.enterprise_id), subject, body)


# --- job seekers ----------------------------------------------------------------------------------------


@transaction.atomic
def job_seeker_register(*, username: str, password: str, full_name: str, email: str, phone: str = "") -> User:
    """Self-registration of a job seeker: an account with the job-seeker role and its (empty) profile."""
    full_name = clean_text(full_name, field="full_name").strip()
    email = clean_text(email, field="email").strip()
    phone = clean_text(phone, field="phone").strip()
    if not full_name:
        raise DomainError(_("Give your name."), field="full_name", code="required")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid email address."), field="email", code="email") from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is taken."), field="username", code="duplicate")
    user = User(username=username, full_name=full_name, email=email, phone=phone, role=Role.JOB_SEEKER)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password", code="password") from None
    user.set_password(password)
    user.save()
    seeker = JobSeeker.objects.create(user=user, phone=phone)
    audit_record(actor=user, action="job_seeker.registered", obj=seeker, summary=username)
    return user


@transaction.atomic
def job_seeker_profile_ensure(*, user: User) -> JobSeeker:
    """The profile of a job-seeker account made elsewhere (the office's admin, the demo accounts)."""
    if user.role != Role.JOB_SEEKER:
        raise PermissionDeniedError()
    seeker, created = JobSeeker.objects.get_or_create(user=user, defaults={"phone": user.phone})
    if created:
        audit_record(actor=user, action="job_seeker.registered", obj=seeker, summary=user.username)
    return seeker


@transaction.atomic
def job_seeker_update(
    *,
    acting_user: User,
    seeker: JobSeeker,
    full_name: str,
    phone: str,
    education: str,
    graduation_year: int | None,
    languages: Sequence[str],
    summary: str,
    id_type: str = "",
    id_number: str = "",
) -> JobSeeker:
    """The job seeker keeps their profile. An identity number is optional: given, it is validated and stored
    hashed, masked and encrypted (never in clear), so a hire can be matched to a subsidised trainee."""
    seeker = JobSeeker.objects.select_for_update().select_related("user").get(pk=seeker.pk)
    if seeker.user_id != acting_user.pk:
        raise PermissionDeniedError()
    full_name = clean_text(full_name, field="full_name").strip()
    if not full_name:
        raise DomainError(_("Give your name."), field="full_name", code="required")
    if any(code not in WorkLanguage.values for code in languages):
        raise DomainError(_("Choose the working languages from the list."), field="languages", code="language")
    this_year = timezone.localdate().year
    if graduation_year is not None and not 1950 <= graduation_year <= this_year + 6:
        raise DomainError(_("Give a year of graduation."), field="graduation_year", code="graduation_year")
    seeker.phone = clean_text(phone, field="phone").strip()
    seeker.education = clean_text(education, field="education").strip()
    seeker.graduation_year = graduation_year
    seeker.languages = sorted(set(languages))
    seeker.summary = clean_text(summary, field="summary", multiline=True).strip()
    changed_id = False
    if id_number.strip():
        protected = personal_id.protect(id_type, id_number)
        changed_id = protected.id_hash != seeker.id_hash or protected.id_type != seeker.id_type
        seeker.id_type = protected.id_type
        seeker.id_hash = protected.id_hash
        seeker.id_masked = protected.id_masked
        seeker.id_encrypted = protected.id_encrypted
    seeker.save()
    user = seeker.user
    if user.full_name != full_name or user.phone != seeker.phone:
        user.full_name, user.phone = full_name, seeker.phone
        user.save(update_fields=["full_name", "phone"])
    # The audit keeps that the number changed and its masked form, never the number.
    audit_record(
        actor=acting_user,
        action="job_seeker.updated",
        obj=seeker,
        data={"id_masked": seeker.id_masked} if changed_id else None,
    )
    return seeker


@transaction.atomic
def job_seeker_remove_id(*, acting_user: User, seeker: JobSeeker) -> JobSeeker:
    """The job seeker withdraws their identity number (a later hire is then not matched to a trainee)."""
    seeker = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
    if seeker.user_id != acting_user.pk:
        raise PermissionDeniedError()
    seeker.id_type = seeker.id_hash = seeker.id_masked = seeker.id_encrypted = ""
    seeker.save(update_fields=["id_type", "id_hash", "id_masked", "id_encrypted", "updated_at"])
    audit_record(actor=acting_user, action="job_seeker.id_removed", obj=seeker)
    return seeker


def cv_upload(*, acting_user: User, seeker: JobSeeker, stream: IO[bytes], name: str) -> JobSeeker:
    """Replace the job seeker's CV with a file checked as evidence is (type from the content, size, macros)."""
    checked = evidence.check_upload(stream, name=name)
    stored = evidence.store(checked)
    try:
        with transaction.atomic():
            locked = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
            if locked.user_id != acting_user.pk:
                raise PermissionDeniedError()
            locked.cv_name = evidence.download_name(checked.original_name, checked.content_type)
            locked.cv_stored = stored
            locked.cv_type = checked.content_type
            locked.cv_sha256 = checked.sha256
            locked.cv_uploaded_at = timezone.now()
            locked.save()
            audit_record(
                actor=acting_user,
                action="job_seeker.cv_uploaded",
                obj=locked,
                data={"sha256": checked.sha256, "size": checked.size},
            )
    except BaseException:
        evidence.discard(stored)
        raise
    return locked


# --- applications for jobs --------------------------------------------------------------------------------


@transaction.atomic
def candidacy_create(
    *, acting_user: User, posting: Posting, letter: str = "", today: datetime.date | None = None
) -> Candidacy:
    """A job seeker applies with their current CV (copied, so a later CV does not change what was sent)."""
    if acting_user.role != Role.JOB_SEEKER:
        raise PermissionDeniedError()
    seeker = JobSeeker.objects.select_for_update().filter(user_id=acting_user.pk).first()
    if seeker is None:
        raise PermissionDeniedError()
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    today = today or timezone.localdate()
    if posting.status != PostingStatus.PUBLISHED or posting.closing_date < today:
        raise DomainError(_("This posting is closed and takes no more applications."), code="posting_closed")
    if not seeker.has_cv:
        raise DomainError(_("Upload your CV before you apply."), code="cv_missing", field="cv")
    if Candidacy.objects.filter(posting=posting, seeker=seeker).exists():
        raise DomainError(_("You have already applied for this job."), code="duplicate")
    letter = clean_text(letter, field="letter", multiline=True).strip()
    # The file is copied under a new name: the job seeker may replace their CV, not what they sent.
    path = evidence.path_of(seeker.cv_stored)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise DomainError(_("Your CV file is missing: upload it again."), code="cv_missing", field="cv") from None
    copy = evidence.CheckedFile(
        original_name=seeker.cv_name, content=content, content_type=seeker.cv_type, sha256=seeker.cv_sha256
    )
    stored = evidence.store(copy)
    try:
        candidacy = Candidacy.objects.create(
            posting=posting,
            seeker=seeker,
            letter=letter,
            cv_name=seeker.cv_name,
            cv_stored=stored,
            cv_type=seeker.cv_type,
        )
        audit_record(actor=acting_user, action="candidacy.applied", obj=candidacy, summary=posting.title)
    except BaseException:
        evidence.discard(stored)
        raise
    link = absolute_url(reverse("recruitment:applicants", args=[posting.pk]))
    _mail_users(
        _enterprise_users(posting.enterprise_id),
        lambda: _("A new application for “%(title)s”") % {"title": posting.title},
        lambda: f"{_('Read it on the platform:')}\n\n{link}",
    )
    return candidacy


CANDIDACY_DECISIONS: dict[str, tuple[frozenset[str], str]] = {
    "shortlist": (frozenset({CandidacyStatus.APPLIED}), CandidacyStatus.SHORTLISTED),
    "decline": (frozenset({CandidacyStatus.APPLIED, CandidacyStatus.SHORTLISTED}), CandidacyStatus.DECLINED),
}


def _lock_candidacy(candidacy: Candidacy) -> Candidacy:
    return (
        Candidacy.objects.select_for_update().select_related("posting", "seeker", "seeker__user").get(pk=candidacy.pk)
    )


@transaction.atomic
def candidacy_decide(*, acting_user: User, candidacy: Candidacy, action: str) -> Candidacy:
    """The posting's enterprise shortlists an applicant or does not take them forward."""
    candidacy = _lock_candidacy(candidacy)
    if acting_user.role != Role.ENTERPRISE or acting_user.enterprise_id != candidacy.posting.enterprise_id:
        raise PermissionDeniedError()
    if action not in CANDIDACY_DECISIONS:
        raise DomainError(f"unknown action: {action}", code="unknown_transition")
    sources, target = CANDIDACY_DECISIONS[action]
    if candidacy.status not in sources:
        raise DomainError(_("This action is not possible in the current state."), code="invalid_transition")
    before = candidacy.status
    candidacy.status = target
    candidacy.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action=f"candidacy.{action}",
        obj=candidacy,
        changes={"status": [before, target]},
    )
    _mail_seeker(candidacy)
    return candidacy


@transaction.atomic
def candidacy_withdraw(*, acting_user: User, candidacy: Candidacy) -> Candidacy:
    candidacy = _lock_candidacy(candidacy)
    if candidacy.seeker.user_id != acting_user.pk:
        raise PermissionDeniedError()
    if candidacy.status not in (CandidacyStatus.APPLIED, CandidacyStatus.SHORTLISTED):
        raise DomainError(_("This action is not possible in the current state."), code="invalid_transition")
    before = candidacy.status
    candidacy.status = CandidacyStatus.WITHDRAWN
    candidacy.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action="candidacy.withdraw",
        obj=candidacy,
        changes={"status": [before, CandidacyStatus.WITHDRAWN]},
    )
    return candidacy


def candidacy_hire(
    *,
    acting_user: User,
    candidacy: Candidacy,
    contract_date: datetime.date,
    proof_kind: str,
    proof_stream: IO[bytes],
    proof_name: str,
    today: datetime.date | None = None,
) -> Candidacy:
    """The enterprise records that it hired the applicant: the labour contract's date and a proof (the contract
    or a social-insurance record, checked like evidence). Sends `signals.hire_recorded` in the transaction."""
    today = today or timezone.localdate()
    if proof_kind not in HireProofKind.values:
        raise DomainError(_("Choose the kind of proof of hire."), code="proof_kind", field="proof_kind")
    if contract_date > today:
        raise DomainError(_("The contract date cannot be in the future."), code="contract_date", field="contract_date")
    checked = evidence.check_upload(proof_stream, name=proof_name)
    stored = evidence.store(checked)
    try:
        with transaction.atomic():
            candidacy = _lock_candidacy(candidacy)
            posting = candidacy.posting
            if acting_user.role != Role.ENTERPRISE or acting_user.enterprise_id != posting.enterprise_id:
                raise PermissionDeniedError()
            if candidacy.status not in (CandidacyStatus.APPLIED, CandidacyStatus.SHORTLISTED):
                raise DomainError(_("This action is not possible in the current state."), code="invalid_transition")
            if contract_date < candidacy.created_at.date() - datetime.timedelta(days=1):
                raise DomainError(
                    _("The contract date is before the application: check the date."),
                    code="contract_date",
                    field="contract_date",
                )
            before = candidacy.status
            candidacy.status = CandidacyStatus.HIRED
            candidacy.contract_date = contract_date
            candidacy.proof_kind = proof_kind
            candidacy.proof_name = evidence.download_name(checked.original_name, checked.content_type)
            candidacy.proof_stored = stored
            candidacy.proof_type = checked.content_type
            candidacy.proof_sha256 = checked.sha256
            candidacy.hired_at = timezone.now()
            candidacy.hired_by = acting_user
            candidacy.save()
            audit_record(
                actor=acting_user,
                action="candidacy.hired",
                obj=candidacy,
                changes={"status": [before, CandidacyStatus.HIRED]},
                data={"contract_date": contract_date.isoformat(), "proof_kind": proof_kind, "sha256": checked.sha256},
            )
            hire_recorded.send(
                sender=Candidacy,
                person_id_hash=candidacy.seeker.id_hash,
                employer=posting.enterprise,
                contract_date=contract_date,
                proof=HireProofFile(
                    kind=proof_kind,
                    name=candidacy.proof_name,
                    content=checked.content,
                    content_type=checked.content_type,
                    sha256=checked.sha256,
                    stored_name=stored,
                ),
                source_ref=f"recruitment:application:{candidacy.pk}",
                actor=acting_user,
            )
            _mail_seeker(candidacy)
    except BaseException:
        evidence.discard(stored)
        raise
    return candidacy


def _mail_seeker(candidacy: Candidacy) -> None:
    posting = candidacy.posting
    link = absolute_url(reverse("recruitment:seeker_home"))

    def subject() -> str:
        return _("Your application for “%(title)s”: %(status)s") % {
            "title": posting.title,
            "status": CandidacyStatus(candidacy.status).label,
        }

    _mail_users([candidacy.seeker.user], subject, lambda: link)


def audit_labels() -> dict[str, Any]:
    """The audit actions this module writes, by their readable names (registered in AppConfig.ready)."""
    from django.utils.translation import gettext_lazy

    return {
        "posting.created": gettext_lazy("Job posting drafted"),
        "posting.edited": gettext_lazy("Job posting changed"),
        "posting.submit": gettext_lazy("Job posting submitted for review"),
        "posting.publish": gettext_lazy("Job posting published"),
        "posting.return": gettext_lazy("Job posting returned for changes"),
        "posting.close": gettext_lazy("Job posting closed"),
        "posting.expired": gettext_lazy("Job posting closed on its closing date"),
        "posting.reminded": gettext_lazy("Reminder of the closing date sent"),
        "job_seeker.registered": gettext_lazy("Job seeker registered"),
        "job_seeker.updated": gettext_lazy("Job seeker's profile changed"),
        "job_seeker.id_removed": gettext_lazy("Job seeker's identity number removed"),
        "job_seeker.cv_uploaded": gettext_lazy("CV uploaded"),
        "candidacy.applied": gettext_lazy("Applied for a job"),
        "candidacy.shortlist": gettext_lazy("Applicant shortlisted"),
        "candidacy.decline": gettext_lazy("Applicant not taken forward"),
        "candidacy.withdraw": gettext_lazy("Application for a job withdrawn"),
        "candidacy.hired": gettext_lazy("Hire recorded"),
    }
