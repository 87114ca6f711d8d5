"""Subsidies that follow the trainee: claims generated from trainees' records, one per programme and rule.

A claim is an `applications.Application` (so it goes through the existing review → public notice → ledger path)
whose persons are `ClaimLine`s. Each line's amount comes from the policy engine, evaluated once for all the
claim's persons (the rule's `for_each: trainees`); the application's calculated amount is the sum of its
accepted lines. A reviewer may refuse one person's line (with a reason) without refusing the claim: the
calculated amount, and so the ceiling or fixed amount the reviewer may recommend, drops by that line.

Who claims what (HZ-17):
- HZ-17b  the institution, for fresh and unemployed graduates who completed (85 % of each fee);
- HZ-17b-hire  the employer, for those graduates once their hire with it is confirmed (the other 15 %);
- HZ-17c  the institution, for new employees who completed (50 %);
- HZ-17d  the institution, for customised trainees who completed, passed and were hired;
- HZ-17a  the institution's reward as an approved institution (one per year, not per person).
Only a programme recognised for subsidy yields claims. A person already subsidised for the same training by
another institution or enterprise is put on the claim as a refused line, with the reason (the office sees it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.applications.access import reviews
from waibao.applications.models import CLOSED_STATUSES, Application, ApplicationStatus
from waibao.applications.services import COMMITMENT_TEXT, application_notify_submitted, routing_for
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.money import to_money
from waibao.common.text import clean_text
from waibao.policy.engine import Package, default_enterprise, default_package, evaluate
from waibao.talent.access import runs
from waibao.talent.models import (
    ClaimLine,
    DuplicateRefusal,
    Enrolment,
    EnrolmentStatus,
    LineStatus,
    Programme,
    Recognition,
    TraineeCategory,
)
from waibao.talent.services import GRADUATE_CATEGORIES, refusal_reason

S = ApplicationStatus

PERSON_CLAIM_RULES = ("HZ-17b", "HZ-17b-hire", "HZ-17c", "HZ-17d")
# Rules claimed through the employer (the applicant is the enterprise that hired).
EMPLOYER_RULES = frozenset({"HZ-17b-hire"})
# While a claim is in these states a reviewer may still refuse one person's line.
LINE_DECISION_STATES = (S.SUBMITTED, S.IN_REVIEW)
CLAIM_KEY_PREFIX = "programme-"


def eligible_enrolments(programme: Programme, rule_id: str) -> QuerySet[Enrolment]:
    """The programme's enrolments that qualify for `rule_id` now (not yet on a live claim for it)."""
    if rule_id not in PERSON_CLAIM_RULES:
        raise DomainError(_("Unknown rule."), code="unknown_rule", field="rule")
    qs = Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.COMPLETED)
    if programme.recognition != Recognition.RECOGNISED:
        return qs.none()
    if rule_id == "HZ-17b":
        qs = qs.filter(category__in=GRADUATE_CATEGORIES)
    elif rule_id == "HZ-17b-hire":
        qs = qs.filter(category__in=GRADUATE_CATEGORIES, employer__isnull=False, hire_confirmed_at__isnull=False)
    elif rule_id == "HZ-17c":
        qs = qs.filter(category=TraineeCategory.NEW_EMPLOYEE)
    else:
        qs = qs.filter(
            category=TraineeCategory.CUSTOMISED, passed=True, employer__isnull=False, hire_confirmed_at__isnull=False
        )
    claimed = ClaimLine.objects.filter(rule_id=rule_id).exclude(application__status__in=CLOSED_STATUSES)
    return qs.exclude(pk__in=claimed.values("enrolment_id"))


def person_item(enrolment: Enrolment, fee: Decimal) -> dict[str, Any]:
    """The engine's `trainees` item for one person (facts.yaml): category, fee, passed, hired."""
    return {
        "category": enrolment.category,
        "fee_cny": str(fee),
        "passed": bool(enrolment.passed),
        "hired_by_outsourcing_enterprise": enrolment.hired,
    }


def person_amounts(
    rule_id: str, items: Sequence[dict[str, Any]], *, year: int, pkg: Package | None = None
) -> list[Decimal | None]:
    """The exact engine's amount of `rule_id` for each person (None: the rule applies but sets no amount yet;
    a person the rule does not apply to raises DomainError, which cannot happen for eligible enrolments)."""
    pkg = pkg or default_package()
    enterprise = default_enterprise(pkg)
    enterprise["trainees"] = list(items)
    result = evaluate(pkg, {"year": year, "enterprise": enterprise})
    amounts: list[Decimal | None] = [None] * len(items)
    found = [False] * len(items)
    for entitlement in result.for_rule(rule_id):
        index = (entitlement.item or {}).get("trainees")
        if index is None:
            continue
        found[index] = True
        amounts[index] = None if entitlement.amount is None else to_money(entitlement.amount)
    if not all(found):
        raise DomainError(
            _("The policy does not grant %(rule)s to every person listed.") % {"rule": rule_id}, code="not_entitled"
        )
    return amounts


@dataclass(frozen=True)
class _Group:
    applicant: dict[str, Any]
    enrolments: list[Enrolment]


def _groups(acting_user: User, programme: Programme, rule_id: str, enrolments: list[Enrolment]) -> list[_Group]:
    if rule_id in EMPLOYER_RULES:
        if acting_user.role != Role.ENTERPRISE or not acting_user.enterprise_id:
            raise PermissionDeniedError(_("The refund once hired is claimed by the employer."))
        own = [e for e in enrolments if e.employer_id == acting_user.enterprise_id]
        return [_Group({"enterprise_id": acting_user.enterprise_id, "training_institution_id": None}, own)]
    if acting_user.role != Role.TRAINING_INSTITUTION or not runs(acting_user, programme):
        raise PermissionDeniedError()
    return [_Group({"enterprise_id": None, "training_institution_id": programme.institution_id}, enrolments)]


def _duplicates_of(programme: Programme, enrolments: list[Enrolment], rule_id: str) -> dict[int, Enrolment]:
    """Per trainee: another enrolment of the same person, for the same training at another institution or
    enterprise, already on a live accepted line of the same rule (one query for the whole claim)."""
    trainee_ids = [e.trainee_id for e in enrolments]
    found: dict[int, Enrolment] = {}
    for start in range(0, len(trainee_ids), 900):  # SQLite's limit on query parameters
        lines = (
            ClaimLine.objects.filter(
                rule_id=rule_id,
                status=LineStatus.ACCEPTED,
                enrolment__trainee_id__in=trainee_ids[start : start + 900],
                enrolment__programme__kind=programme.kind,
                enrolment__programme__starts_on__year=programme.starts_on.year,
            )
            .exclude(application__status__in=CLOSED_STATUSES)
            .exclude(enrolment__programme__institution_id=programme.institution_id)
            .select_related("enrolment__programme__institution")
            .order_by("pk")
        )
        for line in lines:
            found.setdefault(line.enrolment.trainee_id, line.enrolment)
    return found


def _next_key(programme: Programme, rule_id: str, applicant: dict[str, Any]) -> str:
    taken = Application.objects.filter(rule_id=rule_id, item_key__startswith=f"{CLAIM_KEY_PREFIX}{programme.pk}-")
    return f"{CLAIM_KEY_PREFIX}{programme.pk}-{taken.count() + 1}"


def claims_generate(
    *, acting_user: User, programme: Programme, rule_id: str, commitment_signed: bool, pkg: Package | None = None
) -> list[Application]:
    """Generate and submit the claim of `programme` under `rule_id` for every person who qualifies and is not on
    a live claim yet. Returns the claims created (none when nobody qualifies). The applicant signs the
    commitment with the submission, as on any application."""
    if not commitment_signed:
        raise DomainError(_("Sign the commitment before submitting."), code="commitment_missing", field="commitment")
    routing = routing_for(rule_id)
    if not routing.is_open:
        raise DomainError(
            _("Applications under %(rule)s are closed.") % {"rule": rule_id}, code="rule_closed", field="rule"
        )
    pkg = pkg or default_package()
    created: list[Application] = []
    with transaction.atomic():
        programme = Programme.objects.select_for_update().select_related("institution").get(pk=programme.pk)
        if programme.recognition != Recognition.RECOGNISED:
            raise DomainError(
                _("This programme is not recognised for subsidy: it yields no claim."), code="not_recognised"
            )
        enrolments = list(
            eligible_enrolments(programme, rule_id).select_related("trainee", "programme", "employer").order_by("pk")
        )
        year = programme.ends_on.year
        now = timezone.now()
        for group in _groups(acting_user, programme, rule_id, enrolments):
            if not group.enrolments:
                continue
            amounts = person_amounts(
                rule_id, [person_item(e, programme.fee_cny) for e in group.enrolments], year=year, pkg=pkg
            )
            lines: list[ClaimLine] = []
            refusals: list[DuplicateRefusal] = []
            duplicates = _duplicates_of(programme, group.enrolments, rule_id)
            for enrolment, amount in zip(group.enrolments, amounts, strict=True):
                line = ClaimLine(enrolment=enrolment, rule_id=rule_id, amount_cny=amount)
                conflicting = duplicates.get(enrolment.trainee_id)
                if conflicting is not None:
                    line.status = LineStatus.REFUSED
                    line.reason = refusal_reason(conflicting)
                    refusals.append(
                        DuplicateRefusal(
                            trainee=enrolment.trainee,
                            programme=programme,
                            conflicting=conflicting,
                            reason=line.reason,
                            refused_by=acting_user,
                        )
                    )
                lines.append(line)
            accepted = [line for line in lines if line.status == LineStatus.ACCEPTED]
            total = sum((line.amount_cny or Decimal("0") for line in accepted), Decimal("0"))
            rule = next(r for r in pkg.rules if r.id == rule_id)
            hires = [e for e in group.enrolments if e.employer_id is not None]
            application = Application.objects.create(
                **group.applicant,
                created_by=acting_user,
                rule_id=rule_id,
                year=year,
                item_key=_next_key(programme, rule_id, group.applicant),
                status=S.SUBMITTED,
                status_changed_at=now,
                submitted_at=now,
                department=routing.department,
                fund_code=rule.fund,
                facts={
                    "facts": {},
                    "item": {},
                    "claim": {"programme": programme.pk, "programme_name": programme.name_zh, "persons": len(accepted)},
                },
                result={"claim_lines": len(lines)},
                package_name=pkg.id,
                package_version=pkg.version,
                basis=rule.basis,
                calculated_amount_cny=None if any(a is None for a in amounts) else total,
                commitment_signed_at=now,
                commitment_text=str(COMMITMENT_TEXT),
                hire_employer=(hires[0].employer.name_zh if hires and hires[0].employer else "")[:200],
                hire_recorded_on=max((e.contract_date for e in hires if e.contract_date), default=None),
            )
            for line in lines:
                line.application = application
            ClaimLine.objects.bulk_create(lines)
            DuplicateRefusal.objects.bulk_create(refusals)
            audit_record(
                actor=acting_user,
                action="application.submit",
                obj=application,
                summary=f"{rule_id} {programme.name_zh}",
                changes={"status": [None, S.SUBMITTED]},
                data={
                    "claim_of_programme": programme.pk,
                    "persons": len(lines),
                    "refused_as_duplicates": len(refusals),
                    "amount_cny": total,
                    "package": pkg.id,
                    "package_version": pkg.version,
                },
            )
            created.append(application)
    for application in created:
        application_notify_submitted(application)  # the reviewers are told as for any submission
    return created


def _recompute(application: Application) -> None:
    accepted = application.talent_lines.filter(status=LineStatus.ACCEPTED)
    total = accepted.aggregate(total=Sum("amount_cny"))["total"] or Decimal("0.00")
    application.calculated_amount_cny = total
    claim = dict(application.facts.get("claim") or {})
    claim["persons"] = accepted.count()
    application.facts = {**application.facts, "claim": claim}
    if application.recommended_amount_cny is not None and application.recommended_amount_cny > total:
        application.recommended_amount_cny = None


@transaction.atomic
def claim_line_refuse(*, acting_user: User, line: ClaimLine, reason: str) -> ClaimLine:
    """Refuse one person's line of a claim under review (with the reason); the claim goes on with the others."""
    reason = clean_text(reason, field="reason", multiline=True)
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    application = Application.objects.select_for_update().get(pk=line.application_id)
    if not (acting_user.role == Role.DEPARTMENT_REVIEWER and reviews(acting_user, application)):
        raise PermissionDeniedError()
    if application.status not in LINE_DECISION_STATES:
        raise DomainError(_("A person can be refused while the claim is being reviewed."), code="invalid_transition")
    line = ClaimLine.objects.select_for_update().get(pk=line.pk)
    if line.status == LineStatus.REFUSED:
        return line
    line.status = LineStatus.REFUSED
    line.reason = reason.strip()
    line.decided_by = acting_user
    line.save(update_fields=["status", "reason", "decided_by", "updated_at"])
    before = application.calculated_amount_cny
    _recompute(application)
    application.save(update_fields=["calculated_amount_cny", "recommended_amount_cny", "facts", "updated_at"])
    audit_record(
        actor=acting_user,
        action="application.line_refused",
        obj=application,
        summary=reason.strip()[:500],
        changes={"calculated_amount_cny": [before, application.calculated_amount_cny]},
        data={"line": line.pk, "person": line.enrolment.trainee.id_masked},
    )
    public_cache.changed(public_cache.APPLICATIONS)
    return line


def claim_lines(applications: Iterable[Application]) -> dict[int, list[ClaimLine]]:
    """The lines of each claim, persons masked (for the review page)."""
    out: dict[int, list[ClaimLine]] = {}
    ids = [a.pk for a in applications]
    rows = ClaimLine.objects.filter(application_id__in=ids).select_related(
        "enrolment__trainee", "enrolment__employer", "enrolment__programme"
    )
    for line in rows.order_by("pk"):
        out.setdefault(line.application_id, []).append(line)
    return out
