"""Writes to investment projects and promotion events.

Every change is one transaction with its audit event. A project's stage moves only through
`project_transition`, which applies the workflow (`workflow.PROJECT_WORKFLOW`) and the counting rules
(`rules`): the first signing is dated once and never moved; "registered" links the enterprise in the
registry; "operating" needs that enterprise's approved statistics, not the project's own word.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.governance.models import Department
from waibao.promotion.access import can_manage_events, in_scope
from waibao.promotion.models import (
    EventKind,
    Project,
    ProjectDocument,
    ProjectType,
    PromotionEvent,
    Stage,
    StageChange,
)
from waibao.promotion.rules import CountingRules, counting_rules
from waibao.promotion.workflow import NEEDS_ENTERPRISE, PROJECT_WORKFLOW
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.countries import normalise_country
from waibao.statistics.rates import normalise_currency


def _check_mover(user: User) -> None:
    if user.role not in (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER):
        raise PermissionDeniedError()


def _validated(
    *,
    acting_user: User,
    pipeline: str,
    title: str,
    investor_name: str,
    investor_country: str,
    parent_group: str,
    project_type: str,
    currency: str,
    amount: Decimal,
    base_amount: Decimal,
    zone: Zone,
    department: Department,
    responsible: User | None,
    event: PromotionEvent | None,
) -> Project:
    """An unsaved project from checked particulars (DomainError naming the field at fault)."""
    if not title.strip():
        raise DomainError(_("Name the project."), field="title")
    if not investor_name.strip():
        raise DomainError(_("Name the investor."), field="investor_name")
    country = normalise_country(investor_country)
    if country is None:
        raise DomainError(
            _("Give the investor's country or region as a two-letter code, e.g. US or JP."), field="investor_country"
        )
    code = normalise_currency(currency)
    if code is None:
        raise DomainError(_("Give the currency as a three-letter code, e.g. USD."), field="currency")
    rules = counting_rules()
    pipeline = pipeline or rules.pipelines[0].code
    if rules.pipeline(pipeline) is None:
        raise DomainError(_("Unknown pipeline."), field="pipeline")
    if project_type not in ProjectType.values:
        raise DomainError(_("Unknown project type."), field="project_type")
    if amount is None or amount <= 0:
        raise DomainError(_("The intended investment must be more than zero."), field="amount")
    if base_amount < 0:
        raise DomainError(_("The capital before the increase cannot be negative."), field="base_amount")
    if project_type == ProjectType.CAPITAL_INCREASE:
        if amount <= base_amount:
            raise DomainError(
                _("For a capital increase, the intended capital must be more than the capital before the increase."),
                field="amount",
            )
    else:
        base_amount = Decimal(0)
    project = Project(
        pipeline=pipeline,
        title=title.strip()[:200],
        investor_name=investor_name.strip()[:200],
        investor_country=country,
        parent_group=parent_group.strip()[:200],
        project_type=project_type,
        currency=code,
        amount=amount,
        base_amount=base_amount,
        zone=zone,
        department=department,
        responsible=responsible,
        event=event,
    )
    if responsible is not None and responsible.role not in (Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER):
        raise DomainError(_("The responsible person must be a member of staff."), field="responsible")
    return project


def project_create(
    *,
    acting_user: User,
    title: str,
    investor_name: str,
    investor_country: str,
    project_type: str,
    currency: str,
    amount: Decimal,
    zone: Zone,
    department: Department,
    parent_group: str = "",
    base_amount: Decimal = Decimal(0),
    responsible: User | None = None,
    event: PromotionEvent | None = None,
    on: datetime.date | None = None,
    pipeline: str = "",
) -> Project:
    """A new lead. A reviewer records leads of their own department (zone staff: of their zone)."""
    _check_mover(acting_user)
    if on is not None and on > timezone.localdate():
        raise DomainError(_("A lead cannot come in the future."), field="on")
    project = _validated(
        acting_user=acting_user,
        pipeline=pipeline,
        title=title,
        investor_name=investor_name,
        investor_country=investor_country,
        parent_group=parent_group,
        project_type=project_type,
        currency=currency,
        amount=amount,
        base_amount=base_amount,
        zone=zone,
        department=department,
        responsible=responsible,
        event=event,
    )
    project.created_by = acting_user
    if not in_scope(acting_user, project):
        raise PermissionDeniedError(
            _("You may record projects of your own department only (zone staff: of your own zone).")
        )
    project.stage_since = on or timezone.localdate()
    with transaction.atomic():
        project.save()
        public_cache.changed(public_cache.PROMOTION)
        StageChange.objects.create(
            project=project,
            from_stage="",
            to_stage=Stage.LEAD,
            action="create",
            on=project.stage_since,
            by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action="promotion.project_created",
            obj=project,
            summary=project.title,
            data={"amount": str(project.amount), "currency": project.currency, "type": project.project_type},
        )
    return project


# What the first signing fixes: the counted figure of that year must not move afterwards.
FROZEN_AT_SIGNING = ("project_type", "currency", "amount", "base_amount")
EDITABLE = (
    "pipeline", "title", "investor_name", "investor_country", "parent_group", "project_type", "currency", "amount",
    "base_amount", "zone", "department", "responsible", "event",
)  # fmt: skip


def project_update(*, acting_user: User, project: Project, **fields: object) -> Project:
    """Correct a project's particulars. Once signed, its type and amounts are fixed (they are what was counted);
    a reviewer cannot move a project out of their own department or zone."""
    _check_mover(acting_user)
    if not in_scope(acting_user, project):
        raise PermissionDeniedError()
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(f"unknown fields: {sorted(unknown)}", code="unknown_field")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        changed = {k: v for k, v in fields.items() if getattr(locked, k) != v}
        if locked.first_signed_on is not None:
            frozen = [k for k in changed if k in FROZEN_AT_SIGNING]
            if frozen:
                raise DomainError(
                    _(
                        "The project was signed on %(date)s: its type and amounts are what was counted "
                        "and cannot change."
                    )
                    % {"date": locked.first_signed_on.isoformat()},
                    field=frozen[0],
                    code="frozen_at_signing",
                )
        # The same checks as a new project, on the values after the change.
        check = {k: getattr(locked, k) for k in EDITABLE}
        check.update(changed)
        candidate = _validated(acting_user=acting_user, **check)
        if not in_scope(acting_user, candidate):
            raise PermissionDeniedError(
                _("You may record projects of your own department only (zone staff: of your own zone).")
            )
        before = {k: _audit_value(getattr(locked, k)) for k in changed}
        for name in EDITABLE:
            setattr(locked, name, getattr(candidate, name))
        locked.save(update_fields=[*EDITABLE, "updated_at"])
        public_cache.changed(public_cache.PROMOTION)
        audit_record(
            actor=acting_user,
            action="promotion.project_updated",
            obj=locked,
            summary=locked.title,
            changes={k: [before[k], _audit_value(getattr(locked, k))] for k in changed},
        )
    return locked


def _audit_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    return getattr(value, "pk", value)


def operating_evidence(project: Project, rules: CountingRules | None = None) -> int:
    """How many approved statistical records of the project's enterprise, dated from its registration, count
    as evidence that it operates (the kinds are in the counting rules)."""
    from waibao.statistics.models import Execution, RecordStatus, StaffingReport

    if project.enterprise_id is None or project.registered_on is None:
        return 0
    rules = rules or counting_rules()
    found = 0
    if "execution" in rules.operating_records:
        found += Execution.objects.filter(
            enterprise_id=project.enterprise_id, status=RecordStatus.APPROVED, date__gte=project.registered_on
        ).count()
    if "staffing_report" in rules.operating_records:
        found += StaffingReport.objects.filter(
            enterprise_id=project.enterprise_id, status=RecordStatus.APPROVED, period_end__gte=project.registered_on
        ).count()
    return found


def project_transition(
    *,
    acting_user: User,
    project: Project,
    name: str,
    reason: str = "",
    on: datetime.date | None = None,
    credit_code: str = "",
) -> Project:
    """Move a project one stage along its workflow (or to lost, or reopen it), recording the change."""
    _check_mover(acting_user)
    if not in_scope(acting_user, project):
        raise PermissionDeniedError()
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise DomainError(_("A stage cannot be reached in the future."), field="on")
    rules = counting_rules()
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        transition = PROJECT_WORKFLOW.check(name=name, state=locked.stage, role=acting_user.role, reason=reason)
        last = locked.history.order_by("-at", "-pk").first()
        if last is not None and on < last.on:
            raise DomainError(
                _("The date cannot be before the previous stage change (%(date)s).") % {"date": last.on.isoformat()},
                field="on",
            )
        fields = ["stage"]
        if name in NEEDS_ENTERPRISE:
            code = credit_code.strip().upper()
            if not code:
                raise DomainError(
                    _("Give the unified social credit code of the enterprise registered for this project."),
                    field="credit_code",
                    code="enterprise_required",
                )
            enterprise = Enterprise.objects.filter(credit_code=code).first()
            if enterprise is None:
                raise DomainError(
                    _("No enterprise with the credit code %(code)s is in the registry; register it there first.")
                    % {"code": code},
                    field="credit_code",
                    code="enterprise_unknown",
                )
            locked.enterprise = enterprise
            locked.registered_on = on
            fields += ["enterprise", "registered_on"]
        if transition.target == Stage.SIGNED and locked.first_signed_on is None:
            locked.first_signed_on = on  # counted once, in the year of the first signing
            fields.append("first_signed_on")
        if transition.target == Stage.OPERATING:
            found = operating_evidence(locked, rules)
            if found < rules.operating_minimum:
                raise DomainError(
                    _(
                        "“Operating” is confirmed by the enterprise's approved statistics, not by the project: "
                        "%(enterprise)s has %(found)d approved record(s) (execution records or staffing reports) "
                        "since its registration on %(date)s; %(needed)d needed. Ask the enterprise to report and "
                        "its zone to approve the report."
                    )
                    % {
                        "enterprise": locked.enterprise.name_zh if locked.enterprise else "",
                        "found": found,
                        "date": locked.registered_on.isoformat() if locked.registered_on else "",
                        "needed": rules.operating_minimum,
                    },
                    code="operating_unconfirmed",
                )
        if transition.target == Stage.LOST:
            locked.lost_reason = reason.strip()[:500]
            fields.append("lost_reason")
        elif locked.lost_reason:
            locked.lost_reason = ""
            fields.append("lost_reason")
        before = locked.stage
        locked.stage = transition.target
        locked.stage_since = on  # with the StageChange below
        locked.save(update_fields=[*fields, "stage_since", "updated_at"])
        public_cache.changed(public_cache.PROMOTION)
        StageChange.objects.create(
            project=locked,
            from_stage=before,
            to_stage=transition.target,
            action=name,
            on=on,
            by=acting_user,
            reason=reason.strip()[:500],
        )
        audit_record(
            actor=acting_user,
            action=f"promotion.{name}",
            obj=locked,
            summary=locked.title,
            changes={"stage": [before, transition.target]},
            data={"on": on.isoformat(), "reason": reason.strip()[:500], "enterprise": locked.enterprise_id},
        )
    return locked


def project_set_next_action(
    *, acting_user: User, project: Project, text: str, working_days: int, today: datetime.date | None = None
) -> Project:
    """The next action and its deadline, `working_days` working days from today (the city's calendar)."""
    from waibao.workdays.selectors import add_working_days

    _check_mover(acting_user)
    if not in_scope(acting_user, project):
        raise PermissionDeniedError()
    if not text.strip():
        raise DomainError(_("Say what the next action is."), field="text")
    limit = counting_rules().next_action_max_working_days
    if not 1 <= working_days <= limit:
        raise DomainError(
            _("The deadline is between 1 and %(limit)d working days ahead.") % {"limit": limit}, field="working_days"
        )
    due = add_working_days(today or timezone.localdate(), working_days)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.next_action = text.strip()[:300]
        locked.next_action_due = due
        locked.save(update_fields=["next_action", "next_action_due", "updated_at"])
        public_cache.changed(public_cache.PROMOTION)
        audit_record(
            actor=acting_user,
            action="promotion.next_action",
            obj=locked,
            summary=locked.title,
            data={"text": locked.next_action, "due": due.isoformat(), "working_days": working_days},
        )
    return locked


def project_document_add(
    *, acting_user: User, project: Project, title: str, upload: IO[bytes], upload_name: str
) -> ProjectDocument:
    """A document of the project, checked like application evidence (type from the content, size, no macros)."""
    from waibao.applications import evidence

    _check_mover(acting_user)
    if not in_scope(acting_user, project):
        raise PermissionDeniedError()
    checked = evidence.check_upload(upload, name=upload_name)
    stored = evidence.store(checked)
    try:
        with transaction.atomic():
            document = ProjectDocument.objects.create(
                project=project,
                title=(title.strip() or checked.original_name)[:200],
                file_name=checked.original_name,
                stored_name=stored,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=acting_user,
            )
            audit_record(
                actor=acting_user,
                action="promotion.document_added",
                obj=project,
                summary=project.title,
                data={"document": document.pk, "sha256": checked.sha256},
            )
    except BaseException:
        evidence.discard(stored)
        raise
    return document


def event_create(
    *,
    acting_user: User,
    name: str,
    kind: str,
    held_on: datetime.date,
    department: Department,
    place: str = "",
    note: str = "",
) -> PromotionEvent:
    """The office records a promotion event (SZ-4.5)."""
    if not can_manage_events(acting_user):
        raise PermissionDeniedError(_("Only the programme office records promotion events."))
    if not name.strip():
        raise DomainError(_("Name the event."), field="name")
    if kind not in EventKind.values:
        raise DomainError(_("Unknown kind of event."), field="kind")
    with transaction.atomic():
        event = PromotionEvent.objects.create(
            name=name.strip()[:200],
            kind=kind,
            held_on=held_on,
            department=department,
            place=place.strip()[:200],
            note=note.strip(),
            created_by=acting_user,
        )
        audit_record(actor=acting_user, action="promotion.event_created", obj=event, summary=event.name)
    return event
