"""Every write of casework: filing, the workflow actions, messages, supervision, extensions, ratings and their
callbacks, the daily jobs.

Each function is one transaction that appends to the case's status history (`CaseChange`, the source of truth
for its time limits) and writes its audit record; mail goes out on commit. Parties are named by
`casework.access.party_of`; services never read a request.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.applications.evidence import CheckedFile
from waibao.audit.services import audit_record
from waibao.casework.clocks import final_badges
from waibao.casework.models import (
    DONE_STATUSES,
    AppealStatus,
    Callback,
    CallbackChannel,
    Case,
    CaseAttachment,
    CaseChange,
    CaseMessage,
    CaseRules,
    CaseStatus,
    CaseType,
    DepartmentHead,
    Extension,
    ExtensionStatus,
    Filer,
    MessageKind,
    Rating,
    RectificationStatus,
    Reminder,
    RightType,
    Supervision,
    Transfer,
)
from waibao.casework.workflow import CASE_WORKFLOW, DEPARTMENT, OFFICE, REQUESTER, SYSTEM
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.common.mail import send_on_commit
from waibao.workdays.selectors import current_calendar


def case_rules() -> CaseRules:
    return CaseRules.objects.filter(code="default").first() or CaseRules(
        grades=[
            {"code": "very_satisfied", "name_zh": "非常满意", "name_en": "Very satisfied", "bad": False},
            {"code": "satisfied", "name_zh": "满意", "name_en": "Satisfied", "bad": False},
            {"code": "neutral", "name_zh": "基本满意", "name_en": "Fairly satisfied", "bad": False},
            {"code": "dissatisfied", "name_zh": "不满意", "name_en": "Dissatisfied", "bad": True},
            {"code": "very_dissatisfied", "name_zh": "非常不满意", "name_en": "Very dissatisfied", "bad": True},
        ],
        reminder_lead_days=[2, 1],
    )


def check_code_hash(number: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{number}:{code}".encode(), hashlib.sha256).hexdigest()


def check_code_matches(case: Case, code: str) -> bool:
    return bool(case.check_code_hash) and hmac.compare_digest(case.check_code_hash, check_code_hash(case.number, code))


def _new_number(at: datetime.datetime) -> str:
    while True:
        number = f"C{timezone.localtime(at):%Y}{secrets.randbelow(10**6):06d}"
        if not Case.objects.filter(number=number).exists():
            return number


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _record(case: Case, *, status: str, action: str, actor: Any, at: datetime.datetime, note: str = "") -> CaseChange:
    change = CaseChange.objects.create(
        case=case,
        status=status,
        on=timezone.localtime(at).date(),
        at=at,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        department=case.department,
        action=action,
        note=note,
    )
    case.steps, badges = _histories_store([case.pk])[case.pk]
    for name, value in badges.items():
        setattr(case, name, value)
    audit_record(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=f"case.{action}",
        obj=case,
        summary=f"{case.number}: {action}",
        changes={"status": status},
    )
    return change


def case_steps_store(*, case_ids: Sequence[int]) -> dict[int, list[list[str]]]:
    """Rewrite the stored history (`Case.steps`) of the cases from their `CaseChange` rows, in the history's order
    (at, then id), and their final badges from it (`case_badges_store`): `_record` calls it with every change, in
    the change's transaction, so a stored history never differs from the history (tests/casework/test_oracle.py
    holds the lists' clocks against the history's).

    The cases' rows are locked first: a change committed by another transaction meanwhile is then in the history
    read here, and two changes of one case cannot each store a history missing the other."""
    return {pk: steps for pk, (steps, _badges) in _histories_store(case_ids).items()}


BADGE_FIELDS = ("acceptance_badge", "first_response_badge", "resolution_badge", "badges_calendar")
NO_BADGES = dict.fromkeys(BADGE_FIELDS, "")
# What `_final_badges` reads of a case, its stored history last.
_BADGE_SOURCE = (
    "pk",
    "status",
    "extension_days",
    "case_type__acceptance_days",
    "case_type__first_response_days",
    "case_type__resolution_days",
)


def _histories_store(case_ids: Sequence[int]) -> dict[int, tuple[list[list[str]], dict[str, str]]]:
    steps: dict[int, list[list[str]]] = {pk: [] for pk in case_ids}
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(of=("self",))
            .filter(pk__in=case_ids)
            .order_by("pk")
            .values_list(*_BADGE_SOURCE)
        )
        rows = CaseChange.objects.filter(case_id__in=case_ids).order_by("case_id", "at", "pk")
        for case_id, on, status, action in rows.values_list("case_id", "on", "status", "action"):
            steps[case_id].append([on.isoformat(), status, action])
        badges = _final_badges([(*case, steps[case[0]]) for case in cases])
        if len(badges) == 1:  # a service's change: one plain UPDATE
            [(pk, values)] = badges.items()
            Case.objects.filter(pk=pk).update(steps=steps[pk], **values)
        else:
            Case.objects.bulk_update(
                [Case(pk=pk, steps=value, **badges[pk]) for pk, value in steps.items() if pk in badges],
                ["steps", *BADGE_FIELDS],
                batch_size=500,
            )
        public_cache.changed(public_cache.CASEWORK)  # the figures derived from the histories (duty indicators)
    return {pk: (value, badges[pk]) for pk, value in steps.items() if pk in badges}


def _final_badges(cases: Sequence[Sequence[Any]]) -> dict[int, dict[str, str]]:
    """The badge fields of the cases read as `_BADGE_SOURCE` plus their stored history: a finished case's final
    badges (`clocks.final_badges`) with the calendar's fingerprint, none for an open one (or a finished one
    whose clocks cannot be settled: the board clocks it when read)."""
    out = {case[0]: NO_BADGES for case in cases}
    finished = [case for case in cases if case[1] in DONE_STATUSES]
    if not finished:
        return out
    calendar = current_calendar()
    found = final_badges(
        (
            (
                pk,
                {"acceptance": acceptance, "first_response": first_response, "resolution": resolution + extension},
                [(datetime.date.fromisoformat(on), status, action) for on, status, action in steps],
            )
            for pk, _status, extension, acceptance, first_response, resolution, steps in finished
        ),
        calendar=calendar,
    )
    for pk, (acceptance_badge, first_response_badge, resolution_badge) in found.items():
        out[pk] = {
            "acceptance_badge": acceptance_badge,
            "first_response_badge": first_response_badge,
            "resolution_badge": resolution_badge,
            "badges_calendar": calendar.fingerprint,
        }
    return out


def case_badges_store(*, case_ids: Sequence[int], chunk: int = 2_000) -> int:
    """Count the final badges of the cases again from their stored histories, as they are now: what a limit
    depends on changed after the case was finished (an extension granted after the answer, a type's limits
    reloaded from the data set, the calendar edited). Returns the number of cases with badges stored."""
    stored = 0
    ids = sorted(case_ids)
    with transaction.atomic():
        for start in range(0, len(ids), chunk):
            cases = list(
                Case.objects.select_for_update(of=("self",))
                .filter(pk__in=ids[start : start + chunk])
                .order_by("pk")
                .values_list(*_BADGE_SOURCE, "steps")
            )
            badges = _final_badges(cases)
            Case.objects.bulk_update(
                [Case(pk=pk, **value) for pk, value in badges.items()], BADGE_FIELDS, batch_size=500
            )
            stored += sum(1 for value in badges.values() if value["badges_calendar"])
    return stored


def case_badges_refresh() -> int:
    """The daily job's part: count again the finished cases whose badges were counted with another calendar than
    the current one (a year loaded or edited since) or could not be counted. The board is right without it (it
    clocks such cases from their histories), only slower. Returns the number whose badges it stored."""
    fingerprint = current_calendar().fingerprint
    stale = Case.objects.filter(status__in=DONE_STATUSES).exclude(badges_calendar=fingerprint)
    return case_badges_store(case_ids=list(stale.values_list("pk", flat=True)))


def _department_recipients(case: Case) -> list[str]:
    from waibao.accounts.models import Role, User

    if case.department_id is None:
        return []
    users = User.objects.filter(
        Q(role=Role.DEPARTMENT_REVIEWER, department_id=case.department_id, is_active=True)
        | Q(headed_departments__department_id=case.department_id)
    ).exclude(email="")
    return sorted({u.email for u in users})


def routed_department(case_type: CaseType, category: str) -> Any:
    """The department a case of this type and category goes to: the category's (as data), else the type's."""
    from waibao.governance.models import Department

    code = case_type.department_code_for(category)
    if code is None:
        return case_type.department
    department = Department.objects.filter(code=code).first()
    if department is None:  # the loader refuses unknown codes; a department deleted since falls back
        return case_type.department
    return department


def _tell_requester(case: Case, text: str) -> None:
    send_on_commit(_("Your case %(number)s") % {"number": case.number}, text, [case.contact_email])


def case_file(
    *,
    case_type: CaseType,
    filer_kind: str,
    title: str,
    body: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    category: str = "",
    enterprise: Any = None,
    user: Any = None,
    details: dict[str, str] | None = None,
    right_type: str = "",
    right_holder: str = "",
    registration_number: str = "",
    infringer_name: str = "",
    scarce_talent: str = "",
    files: Sequence[tuple[str, CheckedFile]] = (),
    documents_follow: bool = False,
    at: datetime.datetime | None = None,
) -> tuple[Case, str]:
    """File a case; returns it with its check code (shown once to a filer without an account).

    `documents_follow`: a filer without an account sends the required documents after filing (the department
    asks for them, which stops the clock), so the public form has no upload."""
    at = _now(at)
    if not case_type.is_active:
        raise DomainError(_("This case type is not open for filing."), code="type_closed", field="case_type")
    if filer_kind not in case_type.filers:
        raise DomainError(
            _("%(type)s cannot be filed as %(filer)s.") % {"type": case_type.name, "filer": Filer(filer_kind).label},
            code="filer_not_allowed",
            field="case_type",
        )
    if filer_kind == Filer.ENTERPRISE and enterprise is None:
        raise DomainError(_("Sign in as an enterprise user to file as an enterprise."), code="no_enterprise")
    if category and category not in dict(case_type.category_choices()):
        raise DomainError(_("Choose a category of this case type."), code="bad_category", field="category")
    if not title.strip() or not body.strip():
        raise DomainError(_("Give a subject and a description."), code="empty", field="body")
    details = {k: str(v).strip() for k, v in (details or {}).items() if k in case_type.fields}
    for name in case_type.fields:
        if name in ("right_type", "right_holder", "registration_number", "infringer_name", "scarce_talent"):
            continue
        if not details.get(name):
            raise DomainError(_("Fill in every field of this case type."), code="field_missing", field=name)
    infringer = None
    if "right_type" in case_type.fields:
        if right_type not in RightType.values:
            raise DomainError(_("Choose the type of right."), code="right_type", field="right_type")
        if not (right_holder.strip() and registration_number.strip() and infringer_name.strip()):
            raise DomainError(
                _("Name the right holder, the registration number and the infringing party."),
                code="ip_fields",
                field="right_holder",
            )
        from waibao.registry.models import Enterprise

        infringer = Enterprise.objects.filter(
            Q(name_zh=infringer_name.strip()) | Q(credit_code=infringer_name.strip().upper())
        ).first()
    talent = None
    if scarce_talent:
        from waibao.recruitment.models import ScarceTalent

        if "scarce_talent" not in case_type.fields:
            raise DomainError(
                _("This case type does not take an entry of the scarce-talent catalogue."),
                code="scarce_talent",
                field="scarce_talent",
            )
        talent = ScarceTalent.objects.filter(code=scarce_talent).first()
        if talent is None:
            raise DomainError(
                _("Choose an entry of the scarce-talent catalogue."), code="scarce_talent", field="scarce_talent"
            )
    kinds = {kind for kind, _f in files}
    missing = [k for k in case_type.attachments if k not in kinds]
    if missing and not documents_follow:
        raise DomainError(_("Attach the documents this case type needs."), code="attachment_missing", field="files")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        number = _new_number(at)
        case = Case.objects.create(
            number=number,
            check_code_hash=check_code_hash(number, code),
            case_type=case_type,
            category=category,
            title=title.strip()[:200],
            body=body.strip(),
            details=details,
            filer_kind=filer_kind,
            enterprise=enterprise if filer_kind == Filer.ENTERPRISE else None,
            filed_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
            contact_name=contact_name.strip(),
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
            department=routed_department(case_type, category),
            confidential=case_type.confidential,
            filed_at=at,
            scarce_talent=talent,
            right_type=right_type,
            right_holder=right_holder.strip(),
            registration_number=registration_number.strip(),
            infringer_name=infringer_name.strip(),
            infringer=infringer,
        )
        for kind, checked in files:
            CaseAttachment.objects.create(
                case=case,
                kind=kind,
                name=checked.original_name,
                content_type=checked.content_type,
                data=checked.content,
                at=at,
            )
        _record(case, status=CaseStatus.FILED, action="filed", actor=user, at=at)
        _tell_requester(
            case,
            _("We received your case %(number)s. Check code: %(code)s (keep it to follow your case).")
            % {"number": number, "code": code},
        )
    return case, code


def case_act(
    *,
    case: Case,
    action: str,
    party: str | None,
    actor: Any,
    text: str = "",
    department: Any = None,
    outcome: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """Take one workflow action on a case (see `casework.workflow`)."""
    at = _now(at)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("case_type").get(pk=case.pk)
        transition = CASE_WORKFLOW.check(name=action, state=case.status, role=party, reason=text)
        today = timezone.localtime(at).date()
        calendar = current_calendar()
        rules = case_rules()
        fields = ["status"]
        if action == "assign" and case.status == CaseStatus.FILED:
            _record(case, status=CaseStatus.ACCEPTED, action="accept", actor=actor, at=at)  # first receiver
        if action in ("assign", "transfer"):
            target = department or routed_department(case.case_type, case.category)
            if action == "transfer" and target.pk == case.department_id:
                raise DomainError(_("Choose another department."), code="same_department", field="department")
            Transfer.objects.create(
                case=case,
                from_department=case.department,
                to_department=target,
                router=actor if getattr(actor, "is_authenticated", False) else None,
                on=today,
                reason=text,
            )
            case.department = target
            case.routed_by = actor if getattr(actor, "is_authenticated", False) else None
            case.handler = None
            fields += ["department", "routed_by", "handler"]
        if action == "return_misroute":
            last = case.changes.filter(status=CaseStatus.ASSIGNED).order_by("-at").first()
            since = last.on if last else today
            on_time = calendar.working_days_between(since, today) <= rules.misroute_return_days
            Transfer.objects.create(
                case=case,
                from_department=case.department,
                to_department=None,
                misroute=True,
                router=case.routed_by,
                on=today,
                on_time=on_time,
                reason=text,
            )
        if action == "reopen":
            last = case.changes.filter(status__in=[CaseStatus.ANSWERED, CaseStatus.CLOSED]).order_by("-at").first()
            since = last.on if last else today
            if calendar.working_days_between(since, today) > rules.reopen_window_days:
                raise DomainError(
                    _("A case can be reopened within %(days)s working days of its answer.")
                    % {"days": rules.reopen_window_days},
                    code="reopen_window",
                )
        if action == "answer":
            if outcome not in case.case_type.outcomes:
                raise DomainError(_("Choose the outcome."), code="outcome", field="outcome")
            case.outcome = outcome
            fields.append("outcome")
        if action == "reject":
            case.outcome = "not_accepted"
            fields.append("outcome")
        if action in ("reply", "ask_requester", "answer", "reject"):
            CaseMessage.objects.create(case=case, kind=MessageKind.REPLY, author=actor, body=text.strip(), at=at)
            _tell_requester(case, text.strip())
        elif action in ("requester_answer", "reopen"):
            CaseMessage.objects.create(
                case=case,
                kind=MessageKind.REQUESTER,
                author=actor if getattr(actor, "is_authenticated", False) else None,
                body=text.strip(),
                at=at,
            )
        elif text.strip() and action in ("transfer", "return_misroute"):
            CaseMessage.objects.create(case=case, kind=MessageKind.NOTE, author=actor, body=text.strip(), at=at)
        if party == DEPARTMENT and case.handler_id is None and getattr(actor, "is_authenticated", False):
            case.handler = actor
            fields.append("handler")
        case.status = transition.target
        case.save(update_fields=list(dict.fromkeys(fields)))
        _record(case, status=transition.target, action=action, actor=actor, at=at, note=text.strip())
        if action in ("assign", "transfer", "requester_answer", "reopen"):
            send_on_commit(
                _("Case %(number)s needs your department") % {"number": case.number},
                case.title,
                _department_recipients(case),
            )
    return case


def case_note(*, case: Case, party: str | None, actor: Any, body: str, at: datetime.datetime | None = None) -> None:
    """An internal note (office or department), never shown to the requester."""
    if party not in (OFFICE, DEPARTMENT):
        raise PermissionDeniedError()
    if not body.strip():
        raise DomainError(_("Write the note."), code="empty", field="body")
    with transaction.atomic():
        CaseMessage.objects.create(case=case, kind=MessageKind.NOTE, author=actor, body=body.strip(), at=_now(at))
        audit_record(actor=actor, action="case.note", obj=case, summary=f"{case.number}: note")


def requester_message(
    *, case: Case, party: str | None, actor: Any, body: str, at: datetime.datetime | None = None
) -> Case:
    """The requester writes to its case: an answer when the department asked (the clock runs again), else a
    message on the open case. An answered or closed case is reopened instead (`reopen`)."""
    if party != REQUESTER:
        raise PermissionDeniedError()
    if not body.strip():
        raise DomainError(_("Write the message."), code="empty", field="body")
    case.refresh_from_db(fields=["status"])
    if case.status == CaseStatus.WAITING:
        return case_act(case=case, action="requester_answer", party=party, actor=actor, text=body, at=at)
    if case.status not in (CaseStatus.FILED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.RETURNED):
        raise DomainError(_("This case is answered: reopen it to write again."), code="not_open", field="body")
    with transaction.atomic():
        CaseMessage.objects.create(
            case=case,
            kind=MessageKind.REQUESTER,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            body=body.strip(),
            at=_now(at),
        )
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action="case.requester_message",
            obj=case,
            summary=f"{case.number}: message",
        )
        send_on_commit(
            _("Case %(number)s: a message from the requester") % {"number": case.number},
            body.strip(),
            _department_recipients(case),
        )
    return case


def case_supervise(
    *, case: Case, party: str | None, actor: Any, reason: str, at: datetime.datetime | None = None
) -> Supervision:
    """督办: the office presses the department on an open case whose current limit is overdue or due.

    Recorded in the case's history (its status unchanged, so no clock moves) with the reason, audited; the
    handler and the department head are told (the department's reviewers when it has neither)."""
    from waibao.casework.selectors import OPEN_STATUSES, limit_clocks_for

    if party != OFFICE:
        raise PermissionDeniedError()
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    at = _now(at)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("case_type", "department", "handler")
            .get(pk=case.pk)
        )
        if case.status not in OPEN_STATUSES:
            raise DomainError(_("Only an open case can be supervised."), code="not_open")
        clocks = limit_clocks_for([case], today=timezone.localtime(at).date()).get(case.pk)
        current = clocks.current if clocks else None
        if current is None or current[1].badge not in ("overdue", "due"):
            raise DomainError(
                _("A case is supervised when a time limit is overdue or about to run out."), code="not_at_risk"
            )
        kind, clock = current
        supervision = Supervision.objects.create(
            case=case, by=actor, at=at, limit=kind, badge=clock.badge, reason=reason.strip()
        )
        _record(case, status=case.status, action="supervise", actor=actor, at=at, note=reason.strip())
        heads = list(
            DepartmentHead.objects.filter(department=case.department)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        handler = [case.handler.email] if case.handler and case.handler.email else []
        to = sorted(set(handler + heads)) or _department_recipients(case)
        send_on_commit(
            _("Case %(number)s is supervised by the office") % {"number": case.number},
            reason.strip(),
            to,
        )
    return supervision


def case_assign_handler(*, cases: Sequence[Case], handler: Any, party: str | None, actor: Any) -> int:
    """Bulk assign: a department gives its open cases to one of its reviewers."""
    from waibao.accounts.models import Role

    if party not in (OFFICE, DEPARTMENT):
        raise PermissionDeniedError()
    with transaction.atomic():
        n = 0
        for case in cases:
            if handler.role != Role.DEPARTMENT_REVIEWER or handler.department_id != case.department_id:
                raise DomainError(_("The handler must belong to the case's department."), code="handler")
            case.handler = handler
            case.save(update_fields=["handler"])
            audit_record(actor=actor, action="case.handler", obj=case, summary=f"{case.number} → {handler}")
            n += 1
    return n


def extension_request(
    *, case: Case, party: str | None, actor: Any, days: int, reason: str, at: datetime.datetime | None = None
) -> Extension:
    rules = case_rules()
    if party != DEPARTMENT:
        raise PermissionDeniedError()
    case.refresh_from_db(fields=["status"])
    if case.status not in (CaseStatus.ASSIGNED, CaseStatus.WAITING):
        raise DomainError(_("Only an open case can be extended."), code="not_open")
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if days < 1 or days > rules.extension_cap_days:
        raise DomainError(
            _("An extension is 1 to %(cap)s working days.") % {"cap": rules.extension_cap_days},
            code="extension_cap",
            field="days",
        )
    with transaction.atomic():
        if case.extensions.exclude(status=ExtensionStatus.REFUSED).count() >= rules.extension_approvals:
            raise DomainError(_("This case already had its extension."), code="extension_once")
        ext = Extension.objects.create(
            case=case, days=days, reason=reason.strip(), requested_by=actor, requested_at=_now(at)
        )
        audit_record(actor=actor, action="case.extension_requested", obj=case, summary=f"{case.number} +{days}")
    return ext


def extension_decide(*, extension: Extension, party: str | None, actor: Any, approve: bool) -> Extension:
    if party != OFFICE:
        raise PermissionDeniedError()
    with transaction.atomic():
        ext = Extension.objects.select_for_update().select_related("case").get(pk=extension.pk)
        if ext.status != ExtensionStatus.REQUESTED:
            raise DomainError(_("This request was already decided."), code="decided")
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_by = actor
        ext.save(update_fields=["status", "decided_by"])
        if approve:
            ext.case.extension_days = ext.days
            ext.case.save(update_fields=["extension_days"])
            case_badges_store(case_ids=[ext.case_id])  # answered meanwhile: its resolution limit is longer
            public_cache.changed(public_cache.CASEWORK)  # the case's resolution limit is longer
        audit_record(
            actor=actor,
            action="case.extension_approved" if approve else "case.extension_refused",
            obj=ext.case,
            summary=ext.case.number,
        )
    return ext


def rating_give(
    *, case: Case, party: str | None, actor: Any, grade: str, comment: str = "", at: datetime.datetime | None = None
) -> Rating:
    """One rating per case, once it is answered; a bad grade opens a rectification."""
    rules = case_rules()
    if party != REQUESTER:
        raise PermissionDeniedError()
    case.refresh_from_db(fields=["status"])
    if case.status not in (CaseStatus.ANSWERED, CaseStatus.CLOSED):
        raise DomainError(_("A case is rated once it is answered."), code="not_answered")
    grades = {g["code"]: g for g in rules.grades}
    if grade not in grades:
        raise DomainError(_("Choose a grade."), code="grade", field="grade")
    bad = bool(grades[grade].get("bad"))
    with transaction.atomic():
        if Rating.objects.filter(case=case).exists():
            raise DomainError(_("This case is already rated."), code="rated")
        rating = Rating.objects.create(
            case=case,
            grade=grade,
            bad=bad,
            comment=comment.strip(),
            on=timezone.localtime(_now(at)).date(),
            rectification=RectificationStatus.OPEN if bad else RectificationStatus.NONE,
        )
        audit_record(actor=actor, action="case.rated", obj=case, summary=f"{case.number}: {grade}")
        if bad:
            send_on_commit(
                _("Case %(number)s was rated bad: rectification") % {"number": case.number},
                comment,
                _department_recipients(case),
            )
    return rating


def rectification_done(
    *,
    case: Case,
    party: str | None,
    actor: Any,
    channel: str,
    satisfied: bool | None,
    called_at: datetime.datetime | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Rating:
    """Close a rectification with its callback: who called (the actor), when, by which channel, whether the
    requester is satisfied now, a note. A rectification closes only with a callback."""
    if party not in (DEPARTMENT, OFFICE):
        raise PermissionDeniedError()
    at = _now(at)
    called_at = called_at or at
    if channel not in CallbackChannel.values:
        raise DomainError(_("Choose how the requester was called back."), code="callback", field="channel")
    if satisfied is None:
        raise DomainError(_("Record whether the requester is satisfied now."), code="callback", field="satisfied")
    if called_at > at:
        raise DomainError(_("The callback cannot be in the future."), code="callback", field="called_at")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().filter(case=case).first()
        if rating is None or rating.rectification != RectificationStatus.OPEN:
            raise DomainError(_("There is no open rectification."), code="no_rectification")
        if timezone.localtime(called_at).date() < rating.on:
            raise DomainError(_("The callback comes after the rating it answers."), code="callback", field="called_at")
        Callback.objects.create(
            rating=rating,
            called_by=actor if getattr(actor, "is_authenticated", False) else None,
            called_at=called_at,
            channel=channel,
            satisfied=satisfied,
            note=note.strip(),
        )
        rating.rectification = RectificationStatus.DONE
        rating.rectified_on = timezone.localtime(at).date()
        rating.save(update_fields=["rectification", "rectified_on"])
        audit_record(
            actor=actor,
            action="case.rectified",
            obj=case,
            summary=case.number,
            changes={"channel": channel, "satisfied": satisfied},
        )
    return rating


def appeal_ask(*, case: Case, party: str | None, actor: Any, reason: str) -> Rating:
    if party != DEPARTMENT:
        raise PermissionDeniedError()
    if not reason.strip():
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    with transaction.atomic():
        rating = Rating.objects.select_for_update().filter(case=case).first()
        if rating is None or not rating.bad:
            raise DomainError(_("Only a bad rating can be appealed."), code="not_bad")
        if rating.appeal != AppealStatus.NONE or case_rules().appeals < 1:
            raise DomainError(_("A rating is appealed once."), code="appeal_once")
        rating.appeal = AppealStatus.ASKED
        rating.appeal_reason = reason.strip()
        rating.save(update_fields=["appeal", "appeal_reason"])
        audit_record(actor=actor, action="case.appealed", obj=case, summary=case.number)
    return rating


def appeal_decide(*, case: Case, party: str | None, actor: Any, uphold: bool) -> Rating:
    """The office upholds the appeal (the rating no longer counts as bad) or rejects it."""
    if party != OFFICE:
        raise PermissionDeniedError()
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(case=case)
        if rating.appeal != AppealStatus.ASKED:
            raise DomainError(_("There is no appeal to decide."), code="no_appeal")
        rating.appeal = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
        fields = ["appeal"]
        if uphold:
            rating.bad = False
            fields.append("bad")
            if rating.rectification == RectificationStatus.OPEN:
                rating.rectification = RectificationStatus.WAIVED
                fields.append("rectification")
        rating.save(update_fields=fields)
        audit_record(actor=actor, action="case.appeal_decided", obj=case, summary=case.number)
    return rating


def auto_close(*, today: datetime.date | None = None) -> int:
    """Close the answered cases the requester left unconfirmed for N working days (daily job)."""
    today = today or timezone.localdate()
    rules = case_rules()
    calendar = current_calendar()
    closed = 0
    for case in Case.objects.filter(status=CaseStatus.ANSWERED):
        last = case.changes.filter(status=CaseStatus.ANSWERED).order_by("-at").first()
        if last and calendar.working_days_between(last.on, today) >= rules.auto_close_days:
            at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 30)))
            case_act(case=case, action="auto_close", party=SYSTEM, actor=None, at=at)
            closed += 1
    return closed


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind handler and department head N working days before a case's limit; the office once it is overdue."""
    from waibao.accounts.models import Role, User
    from waibao.casework.selectors import open_case_clocks

    today = today or timezone.localdate()
    rules = case_rules()
    sent = 0
    office = list(
        User.objects.filter(role=Role.PROGRAMME_OFFICE, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    for case, kind, clock in open_case_clocks(today=today):
        due = clock.state.due
        if due is None:
            continue
        lead = -1 if clock.state.overdue else clock.remaining
        if lead != -1 and lead not in rules.reminder_lead_days:
            continue
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                case=case, limit=kind, lead=lead, due=due, defaults={"sent_at": timezone.now()}
            )
            if not created:
                continue
            heads = list(
                DepartmentHead.objects.filter(department=case.department).values_list("user__email", flat=True)
            )
            handler = [case.handler.email] if case.handler and case.handler.email else []
            to = office if lead == -1 else handler + heads or _department_recipients(case)
            from waibao.common.labels import label

            send_on_commit(
                _("Case %(number)s: %(limit)s due on %(date)s")
                % {"number": case.number, "limit": label("case_limit", kind), "date": due.isoformat()},
                case.title,
                [e for e in to if e],
            )
            sent += 1
    return sent
