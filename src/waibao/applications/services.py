"""Every write to applications: drafting, evidence, submission, each review step, objections, commitment, payment."""

from __future__ import annotations

import datetime
import functools
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.accounts.models import Role, User
from waibao.applications import evidence as evidence_files
from waibao.applications import notify
from waibao.applications.access import is_applicant, reviews
from waibao.applications.models import (
    CLOSED_STATUSES,
    TRAINEE_KEY_PREFIX,
    UNDECIDED_OBJECTIONS,
    Application,
    ApplicationStatus,
    Evidence,
    EvidenceKind,
    Notification,
    Objection,
    ObjectionStatus,
    RuleRouting,
)
from waibao.applications.policy import PERSON_LISTS, Verdict, cash_rule_ids, judge, package, rule_form
from waibao.applications.verification import unexplained, verified_facts
from waibao.applications.workflow import APPLICATION_WORKFLOW, LEDGER_TRANSITIONS, SPECIAL_TRANSITIONS
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.money import MoneyError, parse_money, to_money
from waibao.common.plain_sql import RowQuery, RowUpdate
from waibao.common.text import clean_text
from waibao.governance.models import Department
from waibao.ledger import services as ledger_services
from waibao.registry.models import Enterprise, EnterpriseStatus
from waibao.talent.models import Trainee
from waibao.talent.services import trainee_ensure

S = ApplicationStatus

# The text an applicant signs; stored on the application with the time of signing.
COMMITMENT_TEXT = gettext_lazy(
    "I commit that the facts declared and the evidence attached are true, complete and my own; that I will "
    "repay any reward obtained by false declaration; and that I accept the department's verification and the "
    "public notice of this application."
)

# Rules that follow another rule for the same item in the years before (HZ-13b after HZ-13a).
FOLLOW_UP_RULES = {"HZ-13b": ("HZ-13a", 2)}
# Rules that pay only once a hire is recorded and confirmed by a reviewer.
HIRE_RULES = frozenset({"HZ-17b-hire"})
# Statuses that count as approved for a rule that follows another.
APPROVED_FOR_FOLLOW_UP = (S.IN_NOTICE, S.COMMITTED, S.PAID)
NOTICE_STATES = (S.IN_NOTICE, S.ON_HOLD)


def today() -> datetime.date:
    """The local date (a function so the notice period can be tested without waiting a week)."""
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------------


def _applicant_of(user: User) -> dict[str, Any]:
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        status = Enterprise.objects.filter(pk=user.enterprise_id).values_list("status", flat=True).first()
        if status != EnterpriseStatus.RECOGNISED:
            raise DomainError(
                _(
                    "Only enterprises recognised as service-outsourcing enterprises may apply for rewards. "
                    "Your enterprise is not recognised yet: complete its profile and ask the programme office."
                ),
                code="not_recognised",
            )
        return {"enterprise_id": user.enterprise_id, "training_institution_id": None}
    if user.role == Role.TRAINING_INSTITUTION and user.training_institution_id:
        return {"enterprise_id": None, "training_institution_id": user.training_institution_id}
    raise PermissionDeniedError(_("Only enterprises and training institutions apply for rewards."))


def _applicant_kind(user: User) -> str:
    return "enterprise" if user.role == Role.ENTERPRISE else "training_institution"


def routing_for(rule_id: str) -> RuleRouting:
    routing = RuleRouting.objects.select_related("department").filter(rule_id=rule_id).first()
    if routing is None:
        raise DomainError(
            _("No department is responsible for %(rule)s yet; the programme office must set its routing.")
            % {"rule": rule_id},
            code="no_routing",
            field="rule",
        )
    return routing


# Read on every step, so its SQL is built once (common.plain_sql.RowQuery).
_LOCKED = RowQuery(Application, related=("enterprise", "training_institution"), lock=True)
_ROUTING = RowQuery(RuleRouting, where=("rule_id",))


def _lock(application: Application) -> Application:
    """The application, locked for the rest of the transaction (its row only), with its applicant: every step's
    notification names the applicant, and the ledger pays from the enterprise's zone."""
    locked: Application | None = _LOCKED.get(application.pk)
    if locked is None:
        raise Application.DoesNotExist(f"application {application.pk} does not exist")
    return locked


def _record(
    *,
    actor: Any,
    application: Application,
    action: str,
    before: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    extra_changes: dict[str, list[Any]] | None = None,
) -> None:
    changes: dict[str, list[Any]] = {}
    if before != application.status:
        changes["status"] = [before, application.status]
    changes.update(extra_changes or {})
    audit_record(
        actor=actor,
        action=f"application.{action}",
        obj=application,
        summary=reason.strip()[:500],
        changes=changes,
        data=data or {},
    )


# What `_set_status` changes: a step that changes nothing else saves only these.
STATUS_FIELDS = ("status", "status_reason", "status_changed_at", "step_due_at", "updated_at")


@functools.cache
def _updates(fields: tuple[str, ...]) -> RowUpdate:
    return RowUpdate(Application, fields)


def _save_fields(application: Application, fields: tuple[str, ...]) -> None:
    """`application.save(update_fields=fields)` for the steps every application takes, its SQL built once."""
    _updates(fields).save(application)


def _set_status(application: Application, target: str, reason: str = "") -> None:
    if application.status in NOTICE_STATES or target in NOTICE_STATES:
        public_cache.changed(public_cache.APPLICATIONS)  # the public notice shows these
    application.status = target
    application.status_reason = reason.strip()
    application.status_changed_at = timezone.now()
    application.step_due_at = step_due_at(application.rule_id, target, application.status_changed_at)


def step_due_at(
    rule_id: str, status: str, since: datetime.datetime | None, limits: dict[str, Any] | None = None
) -> datetime.datetime | None:
    """When a step begun at `since` becomes overdue: `days` of the routing's time limit for it after the day it
    began (overdue from `since` + days + 1). None when the step has no limit. `limits`: the rule's time limits,
    read from its routing when not given."""
    if limits is None:
        routing = _ROUTING.get(rule_id)
        limits = (routing.time_limits if routing is not None else None) or {}
    days = limits.get(status)
    if since is None or days is None:
        return None
    return since + datetime.timedelta(days=int(days) + 1)


def step_deadlines_refresh(*, rule_id: str) -> int:
    """Set the stored deadline of every application under `rule_id` again from its routing's time limits (after
    the limits change), in one UPDATE per step. Returns how many applications were updated."""
    limits = RuleRouting.objects.filter(rule_id=rule_id).values_list("time_limits", flat=True).first() or {}
    under_rule = Application.objects.filter(rule_id=rule_id)
    updated = under_rule.exclude(status__in=list(limits)).exclude(step_due_at=None).update(step_due_at=None)
    for status, days in limits.items():
        updated += under_rule.filter(status=status).update(
            step_due_at=F("status_changed_at") + datetime.timedelta(days=int(days) + 1)
        )
    return updated


def _clean_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a year such as 2008."), code="invalid_year", field="year") from None
    if not 1990 <= value <= today().year + 1:
        raise DomainError(_("Enter a year such as 2008."), code="invalid_year", field="year")
    return value


@dataclass(frozen=True)
class Person:
    """A natural person an application is for (the trainee of HZ-17b…d), as the form gives it."""

    name: str
    id_type: str
    id_number: str


def is_person_rule(rule_id: str) -> bool:
    """Rules applied for per trainee: the item is a natural person, recorded as structured data."""
    pkg = package()
    return rule_id in pkg.rule_ids and rule_form(rule_id, pkg=pkg).list_name in PERSON_LISTS


def _trainee_for(
    *, acting_user: User, application: Application, person: Person | None, item: dict[str, Any]
) -> Trainee | None:
    if not is_person_rule(application.rule_id):
        return None
    if person is None or not person.id_number.strip():
        if application.trainee_id is not None:
            return application.trainee
        raise DomainError(
            _("Name the trainee this application is for: name, identity document and number."),
            code="item_required",
            field="trainee_id_number",
        )
    return trainee_ensure(
        acting_user=acting_user,
        name=person.name,
        id_type=person.id_type,
        id_number=person.id_number,
        category=str(item.get("category") or ""),
        institution=application.training_institution,
    )


def _item_key(rule_id: str, item: dict[str, Any], item_key: str, trainee: Trainee | None = None) -> str:
    form = rule_form(rule_id)
    if not form.per_item:
        return ""
    if trainee is not None:
        return f"{TRAINEE_KEY_PREFIX}{trainee.pk}"
    key = str(item.get(form.item_key_field) or "").strip() if form.item_key_field else item_key.strip()
    if not key:
        raise DomainError(_("Name the item this application is for."), code="item_required", field="item_key")
    return key[:64]


def _notify_step(application: Application, target: str, reason: str = "", *, back: bool = False) -> None:
    """Tell the people who must act next (and the applicant where the step concerns them).

    Each text is written in its recipient's language (`User.language`), whoever's request triggered the step.
    """
    suffix = f" — {reason.strip()}" if reason.strip() else ""

    def label() -> str:  # the applicant's name in the recipient's language
        return f"{application.rule_id} {application.year} #{application.pk} {application.applicant_name}"

    def text(message: Any) -> Callable[[], str]:
        return lambda: str(message) % label()

    if target == S.SUBMITTED:
        notify.notify(
            application, notify.reviewer_users(application), text(gettext_lazy("Waiting for your review: %s"))
        )
    elif target == S.IN_REVIEW and back:
        notify.notify(
            application,
            notify.reviewer_users(application),
            text(format_lazy("{}{}", gettext_lazy("Back for department review: %s"), suffix)),
        )
    elif target == S.RECOMMENDED:
        notify.notify(
            application,
            notify.role_users(Role.PROGRAMME_OFFICE),
            text(gettext_lazy("Recommended, waiting for approval: %s")),
        )
    elif target == S.ON_HOLD:
        notify.notify(
            application,
            [*notify.role_users(Role.PROGRAMME_OFFICE), *notify.reviewer_users(application)],
            text(gettext_lazy("An objection was lodged and must be resolved: %s")),
        )
    elif target == S.COMMITTED:
        notify.notify(
            application,
            notify.role_users(Role.FINANCE_OFFICER),
            text(gettext_lazy("Committed, waiting for payment: %s")),
        )
    if target in (S.RETURNED, S.IN_NOTICE, S.COMMITTED, S.PAID, S.REJECTED, S.IN_REVIEW, S.ON_HOLD):
        told = APPLICANT_TOLD.get(target, "")
        notify.notify(application, notify.applicant_users(application), lambda: f"{label()}: {told}{suffix}")


# What the applicant is told when their application reaches a state (by notification).
APPLICANT_TOLD: dict[str, Any] = {
    S.RETURNED: APPLICATION_WORKFLOW.get("return").applicant_sees,
    S.IN_REVIEW: APPLICATION_WORKFLOW.get("start_review").applicant_sees,
    S.IN_NOTICE: APPLICATION_WORKFLOW.get("approve").applicant_sees,
    S.ON_HOLD: APPLICATION_WORKFLOW.get("object").applicant_sees,
    S.COMMITTED: APPLICATION_WORKFLOW.get("final_approve").applicant_sees,
    S.PAID: APPLICATION_WORKFLOW.get("pay").applicant_sees,
    S.REJECTED: APPLICATION_WORKFLOW.get("reject").applicant_sees,
}


# --- drafting ---------------------------------------------------------------------------------------


def _check_rule_open(rule_id: str, user: User) -> RuleRouting:
    if rule_id not in cash_rule_ids():
        raise DomainError(
            _("Applications are not taken under %(rule)s.") % {"rule": rule_id}, code="unknown_rule", field="rule"
        )
    routing = routing_for(rule_id)
    if not routing.is_open:
        raise DomainError(
            _("Applications under %(rule)s are closed.") % {"rule": rule_id}, code="rule_closed", field="rule"
        )
    if _applicant_kind(user) not in (routing.applicant_kinds or ["enterprise"]):
        raise DomainError(
            _("Your kind of applicant cannot apply under %(rule)s.") % {"rule": rule_id},
            code="wrong_applicant",
            field="rule",
        )
    return routing


def _check_duplicate(application: Application) -> None:
    qs = Application.objects.filter(
        rule_id=application.rule_id, year=application.year, item_key=application.item_key
    ).exclude(status__in=CLOSED_STATUSES)
    if application.enterprise_id:
        qs = qs.filter(enterprise_id=application.enterprise_id)
    else:
        qs = qs.filter(training_institution_id=application.training_institution_id)
    if application.pk:
        qs = qs.exclude(pk=application.pk)
    if qs.exists():
        raise DomainError(
            _("There is already an open or approved application under %(rule)s for %(year)s%(item)s.")
            % {
                "rule": application.rule_id,
                "year": application.year,
                "item": f" ({application.item_label})" if application.item_key else "",
            },
            code="duplicate",
            field="rule",
        )


def _save_unique(application: Application, **kwargs: Any) -> None:
    """Save; the database's uniqueness constraint catches a duplicate a concurrent request slipped past."""
    try:
        with transaction.atomic():
            application.save(**kwargs)
    except IntegrityError:
        raise DomainError(
            _("There is already an open or approved application under %(rule)s for %(year)s%(item)s.")
            % {
                "rule": application.rule_id,
                "year": application.year,
                "item": f" ({application.item_label})" if application.item_key else "",
            },
            code="duplicate",
            field="rule",
        ) from None


@dataclass(frozen=True)
class Upload:
    """One evidence file as a view hands it to a service."""

    kind: str
    stream: IO[bytes]
    name: str


def _check_uploads(uploads: list[Upload]) -> list[tuple[str, evidence_files.CheckedFile]]:
    checked = []
    for upload in uploads:
        if upload.kind not in EvidenceKind.values:
            raise DomainError(_("Unknown kind of evidence."), code="evidence_kind", field="evidence")
        checked.append((upload.kind, evidence_files.check_upload(upload.stream, name=upload.name)))
    return checked


def _store_uploads(
    application: Application, checked: list[tuple[str, evidence_files.CheckedFile]], user: User
) -> list[Evidence]:
    """Write files and their records; files of a transaction that rolls back are removed again."""
    rows: list[Evidence] = []
    for kind, file in checked:
        stored_name = evidence_files.store(file)
        try:
            rows.append(
                Evidence.objects.create(
                    application=application,
                    kind=kind,
                    original_name=file.original_name,
                    stored_name=stored_name,
                    content_type=file.content_type,
                    size=file.size,
                    sha256=file.sha256,
                    uploaded_by=user,
                )
            )
        except Exception:
            evidence_files.discard(stored_name)
            raise
    return rows


def _clean_facts(rule_id: str, facts: dict[str, Any], item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the facts the rule asks for, as JSON values (money as decimal strings)."""
    form = rule_form(rule_id)
    wanted = {f.name for f in form.facts}
    wanted_item = {f.name for f in form.item_fields}
    if form.item_key_field:
        wanted_item.add(form.item_key_field)

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        return value

    return (
        {k: plain(v) for k, v in facts.items() if k in wanted},
        {k: plain(v) for k, v in item.items() if k in wanted_item},
    )


def _stored_facts(
    rule_id: str, facts: dict[str, Any], item: dict[str, Any], explanations: dict[str, str] | None
) -> dict[str, Any]:
    """What the application stores: the declared facts and item, and the explanations of figures declared
    differently from the platform's verified ones (only for facts the rule asks for)."""
    clean_facts, clean_item = _clean_facts(rule_id, facts, item)
    stored: dict[str, Any] = {"facts": clean_facts, "item": clean_item}
    kept = {k: str(v).strip()[:1000] for k, v in (explanations or {}).items() if k in clean_facts and str(v).strip()}
    if kept:
        stored["explanations"] = kept
    return stored


def application_create(
    *,
    acting_user: User,
    rule_id: str,
    year: Any,
    facts: dict[str, Any],
    item: dict[str, Any] | None = None,
    item_key: str = "",
    uploads: list[Upload] | None = None,
    commitment_signed: bool = False,
    hire_employer: str = "",
    hire_recorded_on: datetime.date | None = None,
    submit: bool = False,
    person: Person | None = None,
    explanations: dict[str, str] | None = None,
) -> Application:
    """Create a draft (and submit it at once with submit=True). Nothing is written if any part is refused."""
    applicant = _applicant_of(acting_user)
    checked = _check_uploads(uploads or [])
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            routing = _check_rule_open(rule_id, acting_user)
            year_value = _clean_year(year)
            stored_facts = _stored_facts(rule_id, facts, item or {}, explanations)
            clean_item = stored_facts["item"]
            application = Application(
                **applicant,
                created_by=acting_user,
                rule_id=rule_id,
                year=year_value,
                status=S.DRAFT,
                status_changed_at=timezone.now(),
                step_due_at=step_due_at(rule_id, S.DRAFT, timezone.now(), routing.time_limits or {}),
                department=routing.department,
                fund_code=rule_form(rule_id).fund,
                facts=stored_facts,
                hire_employer=hire_employer.strip()[:200],
                hire_recorded_on=hire_recorded_on,
            )
            application.trainee = _trainee_for(
                acting_user=acting_user, application=application, person=person, item=clean_item
            )
            application.item_key = _item_key(rule_id, clean_item, item_key, application.trainee)
            if commitment_signed:
                application.commitment_signed_at = timezone.now()
                application.commitment_text = str(COMMITMENT_TEXT)
            _check_duplicate(application)
            _save_unique(application)
            stored = _store_uploads(application, checked, acting_user)
            audit_record(
                actor=acting_user,
                action="application.created",
                obj=application,
                summary=f"{rule_id} {year_value} {application.item_key}".strip(),
                changes={"status": [None, S.DRAFT]},
                data={"facts": application.facts, "evidence": [e.original_name for e in stored]},
            )
            if submit:
                application = _submit(acting_user=acting_user, application=application, action="submit")
    except BaseException:
        for row in stored:
            evidence_files.discard(row.stored_name)
        raise
    return application


def application_update(
    *,
    acting_user: User,
    application: Application,
    facts: dict[str, Any],
    item: dict[str, Any] | None = None,
    item_key: str = "",
    commitment_signed: bool = False,
    hire_employer: str | None = None,
    hire_recorded_on: datetime.date | None = None,
    person: Person | None = None,
    explanations: dict[str, str] | None = None,
) -> Application:
    """The applicant corrects the declared facts of a draft or a returned application."""
    with transaction.atomic():
        application = _lock(application)
        if not is_applicant(acting_user, application):
            raise PermissionDeniedError()
        if application.status not in (S.DRAFT, S.RETURNED):
            raise DomainError(_("Only a draft or a returned application can be changed."), code="not_editable")
        before = dict(application.facts)
        application.facts = _stored_facts(application.rule_id, facts, item or {}, explanations)
        clean_item = application.facts["item"]
        application.trainee = _trainee_for(
            acting_user=acting_user, application=application, person=person, item=clean_item
        )
        application.item_key = _item_key(
            application.rule_id, clean_item, item_key or application.item_key, application.trainee
        )
        if hire_employer is not None:
            application.hire_employer = hire_employer.strip()[:200]
            application.hire_recorded_on = hire_recorded_on
            application.hire_confirmed_at = None
            application.hire_confirmed_by = None
        if commitment_signed and application.commitment_signed_at is None:
            application.commitment_signed_at = timezone.now()
            application.commitment_text = str(COMMITMENT_TEXT)
        _check_duplicate(application)
        _save_unique(application)
        audit_record(
            actor=acting_user,
            action="application.updated",
            obj=application,
            changes={"facts": [before, application.facts]} if before != application.facts else {},
        )
    return application


def evidence_add(*, acting_user: User, application: Application, uploads: list[Upload]) -> list[Evidence]:
    """The applicant attaches more evidence to a draft or a returned application."""
    checked = _check_uploads(uploads)
    if not checked:
        raise DomainError(_("Choose a file."), code="required", field="evidence")
    rows: list[Evidence] = []
    try:
        with transaction.atomic():
            application = _lock(application)
            if not is_applicant(acting_user, application):
                raise PermissionDeniedError()
            if application.status not in (S.DRAFT, S.RETURNED):
                raise DomainError(
                    _("Evidence can be added only to a draft or a returned application."), code="not_editable"
                )
            rows = _store_uploads(application, checked, acting_user)
            audit_record(
                actor=acting_user,
                action="application.evidence_added",
                obj=application,
                summary=", ".join(r.original_name for r in rows),
                data={"evidence": [{"kind": r.kind, "name": r.original_name, "sha256": r.sha256} for r in rows]},
            )
    except BaseException:
        for row in rows:
            evidence_files.discard(row.stored_name)
        raise
    return rows


# --- submission -------------------------------------------------------------------------------------


def _check_follow_up(application: Application) -> None:
    """HZ-13b needs an approved HZ-13a for the same applicant and certification in one of the years before."""
    rule = FOLLOW_UP_RULES.get(application.rule_id)
    if rule is None:
        return
    first_rule, years = rule
    previous = Application.objects.filter(
        rule_id=first_rule,
        item_key=application.item_key,
        year__gte=application.year - years,
        year__lt=application.year,
        status__in=APPROVED_FOR_FOLLOW_UP,
    )
    if application.enterprise_id:
        previous = previous.filter(enterprise_id=application.enterprise_id)
    else:
        previous = previous.filter(training_institution_id=application.training_institution_id)
    if not previous.exists():
        raise DomainError(
            _(
                "%(rule)s needs an approved %(first)s application for %(item)s in one of the %(years)s years "
                "before %(year)s."
            )
            % {
                "rule": application.rule_id,
                "first": first_rule,
                "item": application.item_label or "—",
                "years": years,
                "year": application.year,
            },
            code="follow_up_missing",
            field="rule",
        )


def _check_hire(application: Application) -> None:
    if application.rule_id not in HIRE_RULES:
        return
    if not application.hire_employer or application.hire_recorded_on is None:
        raise DomainError(
            _("Record the hire: the hiring enterprise and the date of hire."),
            code="hire_missing",
            field="hire_employer",
        )
    if not application.evidence.filter(kind=EvidenceKind.HIRE_PROOF).exists():
        raise DomainError(_("Attach the proof of hire."), code="hire_proof_missing", field="evidence")


def _check_evidence(application: Application, routing: RuleRouting) -> None:
    present = set(application.evidence.values_list("kind", flat=True))
    missing = [k for k in routing.required_evidence or [] if k not in present]
    if missing:
        labels = ", ".join(str(EvidenceKind(k).label) for k in missing)
        raise DomainError(
            _("Attach the required evidence: %(kinds)s.") % {"kinds": labels}, code="evidence_missing", field="evidence"
        )


def _check_explained(application: Application) -> None:
    """A figure declared differently from one the platform holds needs the applicant's explanation."""
    missing = unexplained(application)
    if missing:
        raise DomainError(
            _(
                "You declared %(facts)s differently from the figure the platform holds: explain why, or declare "
                "the verified figure."
            )
            % {"facts": ", ".join(str(f.label) for f in missing)},
            code="explanation_required",
            field=f"explain__{missing[0].name}",
        )


def _store_verdict(application: Application, verdict: Verdict) -> None:
    application.package_name = verdict.package_name
    application.package_version = verdict.package_version
    application.basis = verdict.basis
    application.fund_code = verdict.fund
    application.calculated_amount_cny = verdict.amount
    application.calculated_minimum_cny = verdict.minimum
    application.result = {**verdict.result, "applied": verdict.entitlement}


def _submit(*, acting_user: User, application: Application, action: str) -> Application:
    application = _lock(application)
    if not is_applicant(acting_user, application):
        raise PermissionDeniedError()
    before = application.status
    APPLICATION_WORKFLOW.check(name=action, state=application.status, role=acting_user.role, reason="")
    routing = _check_rule_open(application.rule_id, acting_user)
    if application.commitment_signed_at is None:
        raise DomainError(_("Sign the commitment before submitting."), code="commitment_missing", field="commitment")
    _check_duplicate(application)
    _check_evidence(application, routing)
    _check_hire(application)
    _check_follow_up(application)
    _check_explained(application)
    verdict = judge(
        application.rule_id,
        year=application.year,
        facts=application.facts.get("facts", {}),
        item=application.facts.get("item", {}),
    )
    _store_verdict(application, verdict)
    # The routing in force at submission decides the department (the office may have changed it since drafting).
    application.department = routing.department
    application.submitted_at = timezone.now()
    application.recommended_amount_cny = None
    application.recommendation_reason = ""
    _set_status(application, S.SUBMITTED)
    _save_unique(application)
    _record(
        actor=acting_user,
        application=application,
        action=action,
        before=before,
        data={
            "package": verdict.package_name,
            "package_version": verdict.package_version,
            "basis": verdict.basis,
            "amount_cny": verdict.amount,
            "minimum_cny": verdict.minimum,
        },
    )
    _notify_step(application, S.SUBMITTED)
    return application


def application_notify_submitted(application: Application) -> None:
    """An application submitted by another area's service (e.g. the talent claims generated from trainees'
    records) enters the review here: its step's deadline is set, and the reviewers are told it waits for them."""
    application.step_due_at = step_due_at(application.rule_id, application.status, application.status_changed_at)
    Application.objects.filter(pk=application.pk).update(step_due_at=application.step_due_at)
    _notify_step(application, S.SUBMITTED)


def application_submit(*, acting_user: User, application: Application, commitment_signed: bool = False) -> Application:
    """Submit a draft or resubmit a returned application: the engine's verdict is stored with the package version.
    `commitment_signed`: the applicant signs the commitment with the submission (where the page asks for it)."""
    action = "resubmit" if application.status == S.RETURNED else "submit"
    with transaction.atomic():
        if commitment_signed and application.commitment_signed_at is None and is_applicant(acting_user, application):
            application.commitment_signed_at = timezone.now()
            application.commitment_text = str(COMMITMENT_TEXT)
            Application.objects.filter(pk=application.pk, commitment_signed_at__isnull=True).update(
                commitment_signed_at=application.commitment_signed_at, commitment_text=application.commitment_text
            )
        return _submit(acting_user=acting_user, application=application, action=action)


# --- review -----------------------------------------------------------------------------------------


def _check_actor(acting_user: User, application: Application, action: str) -> None:
    role = acting_user.role
    if role == Role.DEPARTMENT_REVIEWER and not reviews(acting_user, application):
        raise PermissionDeniedError(_("This application belongs to another department."))
    if role in (Role.ENTERPRISE, Role.TRAINING_INSTITUTION) and not is_applicant(acting_user, application):
        raise PermissionDeniedError()


def check_recommended_amount(
    *, basis: str, amount: Decimal | None, calculated: Decimal | None, minimum: Decimal | None, reason: str
) -> Decimal:
    """The recommended amount, if it respects the rule's basis; DomainError (field "amount") otherwise."""
    if amount is None:
        raise DomainError(_("Enter the recommended amount."), code="amount_required", field="amount")
    try:
        amount = parse_money(amount)
    except MoneyError as exc:
        raise DomainError(exc.message, code="amount_invalid", field="amount") from None
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount_not_positive", field="amount")
    if basis != "eligible" and calculated is None:
        raise DomainError(
            _("The policy sets no amount for this rule yet, so none can be recommended."),
            code="amount_unset",
            field="amount",
        )
    if basis == "fixed" and amount != calculated:
        raise DomainError(
            _("This rule's amount is fixed: recommend exactly %(amount)s.") % {"amount": calculated},
            code="amount_fixed",
            field="amount",
        )
    if basis == "ceiling" and calculated is not None and amount > calculated:
        raise DomainError(
            _("The amount may not exceed the ceiling of %(amount)s.") % {"amount": calculated},
            code="amount_above_ceiling",
            field="amount",
        )
    if basis in ("floor", "range") and calculated is not None:
        low = minimum if minimum is not None else Decimal("0")
        if not low <= amount <= calculated:
            raise DomainError(
                _("The amount must be at least %(low)s and at most %(high)s.") % {"low": low, "high": calculated},
                code="amount_out_of_range",
                field="amount",
            )
    if basis == "eligible":
        if not reason.strip():
            raise DomainError(
                _("The policy names no amount for this rule: give the reason for the amount."),
                code="reason_required",
                field="reason",
            )
        if calculated is not None and amount > calculated:
            raise DomainError(
                _("The amount may not exceed %(amount)s set by the policy.") % {"amount": calculated},
                code="amount_above_ceiling",
                field="amount",
            )
    return amount


@transaction.atomic
def application_recommend(
    *, acting_user: User, application: Application, amount: Decimal | str | None, reason: str = ""
) -> Application:
    """The department recommends an amount that respects the rule's basis."""
    reason = clean_text(reason, field="reason", multiline=True)
    application = _lock(application)
    APPLICATION_WORKFLOW.check(name="recommend", state=application.status, role=acting_user.role, reason="")
    _check_actor(acting_user, application, "recommend")
    if application.rule_id in HIRE_RULES and application.hire_confirmed_at is None:
        raise DomainError(_("Confirm the recorded hire before recommending."), code="hire_unconfirmed", field="amount")
    try:
        value = None if amount in (None, "") else parse_money(amount)
    except MoneyError as exc:
        raise DomainError(exc.message, code="amount_invalid", field="amount") from None
    value = check_recommended_amount(
        basis=application.basis,
        amount=value,
        calculated=application.calculated_amount_cny,
        minimum=application.calculated_minimum_cny,
        reason=reason,
    )
    checked = verified_facts(application)
    flagged = [f for f in checked if f.flagged]
    if flagged and not reason.strip():
        raise DomainError(
            _(
                "Declared facts differ from the platform's verified figures (%(facts)s): give your reason for "
                "recommending."
            )
            % {"facts": ", ".join(str(f.label) for f in flagged)},
            code="flagged_reason_required",
            field="reason",
        )
    before = application.status
    application.recommended_amount_cny = value
    application.recommendation_reason = reason.strip()
    application.verification = [f.as_record() for f in checked]
    _set_status(application, S.RECOMMENDED, reason)
    application.save()
    _record(
        actor=acting_user,
        application=application,
        action="recommend",
        before=before,
        reason=reason,
        extra_changes={"recommended_amount_cny": [None, value]},
        data={"verified_facts": application.verification, "flagged": [f.name for f in flagged]},
    )
    _notify_step(application, S.RECOMMENDED)
    return application


@transaction.atomic
def application_confirm_hire(*, acting_user: User, application: Application) -> Application:
    """A reviewer confirms the hire an HZ-17b-hire application records (checked against its proof)."""
    application = _lock(application)
    if acting_user.role != Role.DEPARTMENT_REVIEWER or not reviews(acting_user, application):
        raise PermissionDeniedError()
    if application.rule_id not in HIRE_RULES:
        raise DomainError(_("This rule does not depend on a hire."), code="not_hire_rule")
    if application.status != S.IN_REVIEW:
        raise DomainError(_("This action is not possible in the current state."), code="invalid_transition")
    if not application.hire_employer or application.hire_recorded_on is None:
        raise DomainError(_("No hire is recorded on this application."), code="hire_missing")
    application.hire_confirmed_at = timezone.now()
    application.hire_confirmed_by = acting_user
    application.save(update_fields=["hire_confirmed_at", "hire_confirmed_by", "updated_at"])
    audit_record(
        actor=acting_user,
        action="application.hire_confirmed",
        obj=application,
        summary=f"{application.hire_employer} {application.hire_recorded_on}",
    )
    return application


def _final_approve(*, acting_user: User, application: Application) -> None:
    """After the notice period with no open objection: commit the approved amount on the ledger."""
    ended_early = application.notice_ended_early_on is not None
    if not ended_early and (application.notice_ends_on is None or today() <= application.notice_ends_on):
        raise DomainError(
            _("The public notice runs until %(date)s; final approval is possible after it ends.")
            % {"date": application.notice_ends_on},
            code="notice_running",
        )
    if application.objections.filter(status__in=UNDECIDED_OBJECTIONS).exists():
        raise DomainError(_("An objection is still open or waits to be examined."), code="objection_open")
    assert application.approved_amount_cny is not None
    if application.approved_amount_cny == 0:
        return  # a commendation without money (HZ-24 where the city has set no award): nothing to commit
    ledger_services.commitment_create(
        acting_user=acting_user,
        application=application,
        amount=application.approved_amount_cny,
        # No request key: the application is locked and the ledger refuses a second live commitment, so a
        # repeated final approval is refused by the workflow (no key anyone could guess and take first).
    )


@transaction.atomic
def application_transition(
    *, acting_user: User, application: Application, action: str, reason: str = ""
) -> Application:
    """Apply one step of the workflow that needs no more input than a reason (start review, return, approve …)."""
    if action in ("submit", "resubmit"):
        return _submit(acting_user=acting_user, application=application, action=action)
    if action in LEDGER_TRANSITIONS:
        # These states follow the money: only the service that moves it on the ledger may reach them.
        raise DomainError(
            _("This step follows the fund ledger: pay, release or reverse the money, and the status follows."),
            code="follows_ledger",
        )
    if action in SPECIAL_TRANSITIONS:
        raise DomainError(_("This action has its own form."), code="use_form")
    reason = clean_text(reason, field="reason", multiline=True)
    application = _lock(application)
    transition = APPLICATION_WORKFLOW.check(name=action, state=application.status, role=acting_user.role, reason=reason)
    _check_actor(acting_user, application, action)
    before = application.status
    extra: dict[str, list[Any]] = {}
    data: dict[str, Any] = {}
    changed: tuple[str, ...] = ()  # the fields this step changes besides the status's
    if action == "approve":
        if application.recommended_amount_cny is None:
            raise DomainError(_("There is no recommended amount to approve."), code="amount_required")
        routing = RuleRouting.objects.filter(rule_id=application.rule_id).first()
        days = routing.notice_days if routing else 7
        application.approved_amount_cny = application.recommended_amount_cny
        application.notice_starts_on = today()
        application.notice_ends_on = today() + datetime.timedelta(days=days - 1)
        extra = {"approved_amount_cny": [None, application.approved_amount_cny]}
        data = {"notice_starts_on": application.notice_starts_on, "notice_ends_on": application.notice_ends_on}
        changed = ("approved_amount_cny", "notice_starts_on", "notice_ends_on")
    elif action == "final_approve":
        _final_approve(acting_user=acting_user, application=application)
    elif action == "send_back":
        # A later recommendation starts again from the calculated amount.
        application.recommended_amount_cny = None
        changed = ("recommended_amount_cny",)
    _set_status(application, transition.target, reason)
    _save_fields(application, (*STATUS_FIELDS, *changed))
    _record(
        actor=acting_user,
        application=application,
        action=action,
        before=before,
        reason=reason,
        extra_changes=extra,
        data=data,
    )
    _notify_step(application, transition.target, reason, back=action == "send_back")
    return application


@transaction.atomic
def application_open_award_notice(
    *,
    acting_user: User,
    enterprise: Enterprise,
    rule_id: str,
    year: int,
    amount: Decimal,
    fund_code: str,
    reason: str,
    facts: dict[str, Any],
) -> Application:
    """An award decided by a selection instead of applied for (HZ-24's top ten): the application is created
    approved and in public notice, so the notice, objections, final approval and payment are the same as for
    any application. `amount` 0 is a commendation without money (final approval then commits nothing)."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    routing = routing_for(rule_id)
    reason = clean_text(reason, field="reason", multiline=True)
    days = routing.notice_days
    now = timezone.now()
    application = Application.objects.create(
        enterprise=enterprise,
        created_by=acting_user,
        rule_id=rule_id,
        year=year,
        status=S.IN_NOTICE,
        status_reason=reason,
        status_changed_at=now,
        step_due_at=step_due_at(rule_id, S.IN_NOTICE, now, routing.time_limits or {}),
        submitted_at=now,
        fund_code=fund_code,
        department=routing.department,
        facts=facts,
        recommended_amount_cny=amount,
        recommendation_reason=reason,
        approved_amount_cny=amount,
        notice_starts_on=today(),
        notice_ends_on=today() + datetime.timedelta(days=days - 1),
    )
    public_cache.changed(public_cache.APPLICATIONS)
    _record(
        actor=acting_user,
        application=application,
        action="award_notice",
        before="",
        reason=reason,
        extra_changes={"approved_amount_cny": [None, amount]},
        data={"notice_starts_on": application.notice_starts_on, "notice_ends_on": application.notice_ends_on, **facts},
    )
    return application


# --- public notice and objections ------------------------------------------------------------------


def client_key(address: str) -> str:
    """A hash of the sender's address: enough to limit the rate, without storing the address."""
    from waibao.accounts.throttle import keyed

    return keyed(f"client:{address}")


def _code_hash(objection_id: int, code: str) -> str:
    from waibao.accounts.throttle import keyed

    return keyed(f"objection-code:{objection_id}:{code}")


def objection_lodge(*, application: Application, name: str, contact: str, text: str, client: str = "") -> Objection:
    """Step one for anyone during the notice: the objection is recorded and a code is sent to the contact.

    Nothing is held and nobody is notified until the code confirms the contact (`objection_confirm`) and the
    office admits the objection (`objection_triage`). Limits: per client address an hour, per contact a day,
    per application in all (settings `WAIBAO_OBJECTIONS_*`)."""
    from django.conf import settings

    from waibao.accounts.throttle import keyed, throttle
    from waibao.applications.objection_channel import channel

    name = clean_text(name, field="name", max_length=100)
    contact = clean_text(contact, field="contact", max_length=200)
    text = clean_text(text, field="text", multiline=True, max_length=5000)
    if not name or not contact or not text:
        raise DomainError(_("Give your name, a way to contact you and the objection."), code="required", field="text")
    contact = channel().normalise(contact)
    if client:
        # Counted outside the transaction below, so that refused attempts count too.
        throttle(
            "objection",
            client,
            limit=settings.WAIBAO_OBJECTIONS_PER_CLIENT_PER_HOUR,
            window=datetime.timedelta(hours=1),
            message=_("Too many objections from your address in the last hour; please try again later."),
        )
    contact_key = keyed(f"contact:{contact.lower()}")
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = int(settings.WAIBAO_OBJECTION_CODE_MINUTES)
    with transaction.atomic():
        application = _lock(application)
        _check_objection_open(application)
        since = timezone.now() - datetime.timedelta(days=1)
        if (
            Objection.objects.filter(contact_key=contact_key, created_at__gte=since).count()
            >= settings.WAIBAO_OBJECTIONS_PER_CONTACT_PER_DAY
        ):
            raise DomainError(
                _("Too many objections from this contact today; please try again tomorrow."),
                code="rate_limited",
                field="contact",
            )
        if (
            application.objections.exclude(status=ObjectionStatus.UNVERIFIED).count()
            >= settings.WAIBAO_OBJECTIONS_PER_APPLICATION
        ):
            raise DomainError(
                _(
                    "This application has received the most objections the notice accepts; write to the programme "
                    "office instead."
                ),
                code="objection_cap",
            )
        objection = Objection.objects.create(
            application=application,
            name=name,
            contact=contact,
            text=text,
            client_key=client,
            contact_key=contact_key,
            status=ObjectionStatus.UNVERIFIED,
            code_expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
        )
        objection.code_hash = _code_hash(objection.pk, code)
        objection.save(update_fields=["code_hash"])
        channel().send(contact, code, minutes=minutes)
    return objection


def _check_objection_open(application: Application) -> None:
    if application.status not in (S.IN_NOTICE, S.ON_HOLD):
        raise DomainError(_("This application is not in its public notice period."), code="not_in_notice")
    if application.notice_ended_early_on is not None or (
        application.notice_ends_on is not None and today() > application.notice_ends_on
    ):
        raise DomainError(_("The public notice period has ended."), code="notice_ended")


OBJECTION_CODE_ATTEMPTS = 5


def objection_confirm(*, objection: Objection, code: str) -> Objection:
    """Step two: the code from the contact confirms the objection; it now waits for the office's triage."""
    from django.conf import settings

    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.status != ObjectionStatus.UNVERIFIED:
            raise DomainError(_("This objection is already confirmed."), code="already_confirmed")
        expired = objection.code_expires_at is None or timezone.now() > objection.code_expires_at
        if expired or objection.code_attempts >= OBJECTION_CODE_ATTEMPTS:
            raise DomainError(_("The code has expired; lodge the objection again."), code="code_expired")
        objection.code_attempts += 1
        given = "".join(ch for ch in str(code) if ch.isdigit())
        if not hmac.compare_digest(_code_hash(objection.pk, given), objection.code_hash):
            objection.save(update_fields=["code_attempts"])
            wrong = True
        else:
            wrong = False
            application = _lock(objection.application)
            _check_objection_open(application)
            now = timezone.now()
            objection.status = ObjectionStatus.AWAITING_TRIAGE
            objection.contact_verified_at = now
            objection.triage_due_at = now + datetime.timedelta(hours=int(settings.WAIBAO_OBJECTION_TRIAGE_HOURS))
            objection.code_hash = ""
            objection.save(
                update_fields=["status", "contact_verified_at", "triage_due_at", "code_hash", "code_attempts"]
            )
            audit_record(
                actor=None,
                action="application.objection_lodged",
                obj=application,
                summary=objection.text[:200],
                data={"objection_id": objection.pk},
            )
            label = f"{application.rule_id} {application.year} #{application.pk}"
            notify.notify(
                application,
                notify.role_users(Role.PROGRAMME_OFFICE),
                lambda: str(gettext_lazy("An objection waits for you to examine it: %s")) % label,
            )
    if wrong:
        raise DomainError(_("This code is not correct."), code="code_wrong", field="code")
    return objection


@transaction.atomic
def objection_triage(*, acting_user: User, objection: Objection, admit: bool, reason: str = "") -> Objection:
    """The office examines a confirmed objection: admitted, it holds the application until resolved; not
    admitted (with a reason: no substance, not about this application, a repeat), it holds nothing."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    reason = clean_text(reason, field="resolution", multiline=True)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    application = _lock(objection.application)
    if objection.status != ObjectionStatus.AWAITING_TRIAGE:
        raise DomainError(_("This objection is not waiting to be examined."), code="not_awaiting_triage")
    if not admit and not reason:
        raise DomainError(_("Give the reason for not admitting it."), code="reason_required", field="resolution")
    objection.triaged_by = acting_user
    objection.triaged_at = timezone.now()
    before = application.status
    if admit:
        objection.status = ObjectionStatus.OPEN
        if application.status == S.IN_NOTICE:
            _set_status(application, S.ON_HOLD, _("Objection admitted"))
            application.save()
    else:
        objection.status = ObjectionStatus.NOT_ADMITTED
        objection.resolution = reason
        objection.resolved_by = acting_user
        objection.resolved_at = objection.triaged_at
    objection.save()
    _record(
        actor=acting_user,
        application=application,
        action="object" if admit else "objection_not_admitted",
        before=before,
        reason=reason,
        data={"objection_id": objection.pk},
    )
    if before != application.status:
        _notify_step(application, S.ON_HOLD)
    return objection


@transaction.atomic
def notice_end_early(*, acting_user: User, application: Application, reason: str) -> Application:
    """End a public notice before its last day, saying so in the record (used by the demo tool only).

    The published dates are not touched: the application records the day the notice was ended and why, the
    application page shows it, and the audit trail holds the step; final approval is then possible."""
    application = _lock(application)
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if application.status != S.IN_NOTICE:
        raise DomainError(_("This application is not in its public notice period."), code="not_in_notice")
    if application.notice_ended_early_on is not None:
        raise DomainError(_("The public notice period has ended."), code="notice_ended")
    if application.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise DomainError(_("An objection is still open."), code="objection_open")
    application.notice_ended_early_on = today()
    application.notice_ended_early_reason = reason.strip()[:300]
    application.save(update_fields=["notice_ended_early_on", "notice_ended_early_reason", "updated_at"])
    public_cache.changed(public_cache.APPLICATIONS)  # it leaves the public notice
    audit_record(
        actor=acting_user,
        action="application.notice_ended_early",
        obj=application,
        summary=application.notice_ended_early_reason,
        changes={"notice_ended_early_on": [None, application.notice_ended_early_on]},
        data={"notice_starts_on": application.notice_starts_on, "notice_ends_on": application.notice_ends_on},
    )
    return application


RESOLUTIONS = {
    "dismiss": ("dismiss_objections", ObjectionStatus.DISMISSED),
    "uphold_return": ("uphold_return", ObjectionStatus.UPHELD),
    "uphold_reject": ("uphold_reject", ObjectionStatus.UPHELD),
}


@transaction.atomic
def objection_resolve(*, acting_user: User, objection: Objection, decision: str, resolution: str) -> Objection:
    """The programme office resolves one objection: dismiss it, or uphold it (back to review, or reject)."""
    if decision not in RESOLUTIONS:
        raise DomainError(_("Choose a decision."), code="decision_required", field="decision")
    action, outcome = RESOLUTIONS[decision]
    resolution = clean_text(resolution, field="resolution", multiline=True)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    application = _lock(objection.application)
    APPLICATION_WORKFLOW.check(name=action, state=application.status, role=acting_user.role, reason=resolution)
    if objection.status != ObjectionStatus.OPEN:
        raise DomainError(_("This objection is already resolved."), code="already_resolved")
    objection.status = outcome
    objection.resolution = resolution.strip()
    objection.resolved_by = acting_user
    objection.resolved_at = timezone.now()
    objection.save()
    before = application.status
    still_open = application.objections.filter(status=ObjectionStatus.OPEN).exists()
    target = APPLICATION_WORKFLOW.get(action).target
    if decision != "dismiss":
        # An upheld objection settles the application; the other objections are closed with it.
        application.objections.filter(status__in=UNDECIDED_OBJECTIONS).update(
            status=ObjectionStatus.UPHELD,
            resolution=resolution.strip(),
            resolved_by=acting_user,
            resolved_at=timezone.now(),
        )
        if target == S.IN_REVIEW:
            application.recommended_amount_cny = None
            application.approved_amount_cny = None
            application.notice_starts_on = None
            application.notice_ends_on = None
        _set_status(application, target, resolution)
        application.save()
    elif not still_open:
        _set_status(application, target, resolution)
        application.save()
    _record(
        actor=acting_user,
        application=application,
        action=f"objection_{decision}",
        before=before,
        reason=resolution,
        data={"objection_id": objection.pk},
    )
    if before != application.status:
        _notify_step(application, application.status, resolution, back=True)
    return objection


# --- payment ----------------------------------------------------------------------------------------


def open_commitment(application: Application) -> Any:
    """The application's commitment on the ledger that still has money to pay (None if there is none)."""
    commitments = getattr(application, "commitments", None)
    if commitments is None:
        return None
    for commitment in commitments.order_by("pk"):
        if to_money(commitment.paid) + to_money(commitment.released) < to_money(commitment.amount):
            return commitment
    return None


def is_settled(commitment: Any) -> bool:
    return to_money(commitment.paid) > 0 and to_money(commitment.paid) + to_money(commitment.released) >= to_money(
        commitment.amount
    )


@transaction.atomic
def application_record_payment(
    *,
    acting_user: User,
    application: Application,
    amount: Decimal | str,
    idempotency_key: str,
    record: Any = None,
) -> Application:
    """A finance officer pays (part of) the committed amount through the ledger; fully paid → `paid`."""
    application = _lock(application)
    if acting_user.role != Role.FINANCE_OFFICER:
        raise PermissionDeniedError()
    if application.status != S.COMMITTED:
        raise DomainError(_("Only a committed application can be paid."), code="invalid_transition")
    try:
        value = parse_money(amount)
    except MoneyError as exc:
        raise DomainError(exc.message, code="amount_invalid", field="amount") from None
    if value <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount_not_positive", field="amount")
    if not idempotency_key.strip():
        raise DomainError(_("The payment form expired; please reload the page."), code="idempotency_key")
    commitment = open_commitment(application)
    if commitment is None:
        raise DomainError(_("There is no open commitment to pay."), code="no_commitment")
    paid_before = to_money(commitment.paid)
    entry = ledger_services.payment_create(
        acting_user=acting_user,
        commitment=commitment,
        amount=value,
        idempotency_key=idempotency_key.strip(),
        record=record,  # the voucher, payment date, payee account and bank reference (ledger.PaymentRecord)
    )
    # The commitment as the ledger left it (its locked row, or the stored one when the key was used before).
    commitment = entry.commitment
    assert commitment is not None  # a payment is always on a commitment
    if to_money(commitment.paid) == paid_before:
        return application  # the same request again (same key): the ledger paid once, nothing more to record
    before = application.status
    if is_settled(commitment):
        _set_status(application, S.PAID)
        _save_fields(application, STATUS_FIELDS)
    _record(
        actor=acting_user,
        application=application,
        action="payment_recorded",
        before=before,
        data={"amount_cny": value, "idempotency_key": idempotency_key.strip(), "commitment_id": commitment.pk},
    )
    if application.status == S.PAID:
        _notify_step(application, S.PAID)
    return application


def _follow_ledger(*, acting_user: User, application: Application, action: str, reason: str) -> Application:
    """Move the application to the state its commitment now implies, as one declared workflow step."""
    transition = APPLICATION_WORKFLOW.check(name=action, state=application.status, role=acting_user.role, reason=reason)
    before = application.status
    _set_status(application, transition.target, reason)
    _save_unique(application)
    _record(actor=acting_user, application=application, action=action, before=before, reason=reason)
    _notify_step(application, transition.target, reason)
    return application


@transaction.atomic
def application_release(
    *,
    acting_user: User,
    application: Application,
    reason: str,
    amount: Decimal | str | None = None,
    idempotency_key: str | None = None,
) -> Application:
    """Release (part of) the open commitment on the ledger; when nothing stays open the application follows:
    nothing paid → rejected (release_all), something paid → settled as paid (release_rest)."""
    application = _lock(application)
    if application.status != S.COMMITTED:
        raise DomainError(_("Only a committed application has an amount to release."), code="invalid_transition")
    commitment = open_commitment(application)
    if commitment is None:
        raise DomainError(_("There is no open commitment to release."), code="no_commitment")
    ledger_services.commitment_release(
        acting_user=acting_user,
        commitment=commitment,
        amount=None if amount in (None, "") else ledger_services.clean_amount(amount),
        reason=reason,
        idempotency_key=idempotency_key,
    )
    commitment.refresh_from_db()
    if open_commitment(application) is None:
        action = "release_rest" if to_money(commitment.paid) > 0 else "release_all"
        application = _follow_ledger(acting_user=acting_user, application=application, action=action, reason=reason)
    return application


@transaction.atomic
def application_reverse_entry(*, acting_user: User, application: Application, entry: Any, reason: str) -> Any:
    """Reverse a payment or release of this application's commitment recorded in error; an application that was
    settled (paid, or rejected by a release) with money open again goes back to waiting for payment."""
    application = _lock(application)
    if entry.commitment_id is None or entry.commitment.application_id != application.pk:
        raise DomainError(_("This entry does not belong to the application."), code="wrong_entry")
    reversal = ledger_services.entry_reverse(acting_user=acting_user, entry=entry, reason=reason)
    if application.status in (S.PAID, S.REJECTED) and open_commitment(application) is not None:
        _follow_ledger(acting_user=acting_user, application=application, action="reopen_payment", reason=reason)
    return reversal


# --- routing ----------------------------------------------------------------------------------------


@transaction.atomic
def routing_update(
    *,
    acting_user: User,
    routing: RuleRouting,
    department: Department,
    partners: list[Department],
    notice_days: int,
    time_limits: dict[str, int],
    is_open: bool,
    verification_tolerance_percent: Decimal | None = None,
) -> RuleRouting:
    """The programme office changes which department reviews a rule, its partners, limits and notice period."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    if notice_days < 1:
        raise DomainError(_("The notice period is at least one day."), code="notice_days", field="notice_days")
    for status, days in time_limits.items():
        if status not in S.values or int(days) < 1:
            raise DomainError(_("Each time limit is a whole number of days ≥ 1."), field="time_limits")
    routing = RuleRouting.objects.select_for_update().get(pk=routing.pk)
    before = {
        "department": routing.department.code,
        "partners": sorted(routing.partners.values_list("code", flat=True)),
        "notice_days": routing.notice_days,
        "time_limits": routing.time_limits,
        "is_open": routing.is_open,
        "verification_tolerance_percent": str(routing.verification_tolerance_percent),
    }
    if verification_tolerance_percent is not None:
        if not Decimal(0) <= Decimal(verification_tolerance_percent) <= Decimal(100):
            raise DomainError(
                _("The tolerance is a percentage between 0 and 100."), field="verification_tolerance_percent"
            )
        routing.verification_tolerance_percent = Decimal(verification_tolerance_percent)
    routing.department = department
    routing.notice_days = notice_days
    routing.time_limits = {k: int(v) for k, v in time_limits.items()}
    routing.is_open = is_open
    routing.save()
    if routing.time_limits != before["time_limits"]:
        step_deadlines_refresh(rule_id=routing.rule_id)
    routing.partners.set([p for p in partners if p.pk != department.pk])
    after = {
        "department": department.code,
        "partners": sorted(routing.partners.values_list("code", flat=True)),
        "notice_days": routing.notice_days,
        "time_limits": routing.time_limits,
        "is_open": routing.is_open,
        "verification_tolerance_percent": str(routing.verification_tolerance_percent),
    }
    audit_record(
        actor=acting_user,
        action="routing.updated",
        obj=routing,
        summary=routing.rule_id,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return routing


# --- notifications ----------------------------------------------------------------------------------


def notifications_mark_read(*, acting_user: User, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(user=acting_user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def pending_reviews_filter(user: User) -> Q:
    """Used by the queue: applications waiting on this reviewer's department."""
    from waibao.applications.access import reviewer_rule_ids

    return Q(department_id=user.department_id) | Q(rule_id__in=reviewer_rule_ids(user.department_id))
