"""Writes to duties: the office assigns and accepts or returns; a department coordinator reports progress.

Every change is one transaction with its audit event. A duty's status is never written: it is derived from
its reports and deadline (`governance.status`), so "overdue" cannot be set or cleared by hand. The services
that change what a duty's derived line shows (assignment, reports, decisions on them) mark the duties' cached
lines changed in their transaction (`selectors.DUTIES_AREA`).
"""

from __future__ import annotations

import datetime
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.governance.access import is_duty_department
from waibao.governance.indicators import INDICATORS
from waibao.governance.models import Duty, DutyReport, Milestone, ReportDecision, ReportKind
from waibao.governance.selectors import DUTIES_AREA


def duty_assign(
    *,
    acting_user: User,
    duty: Duty,
    responsible: User | None,
    deadline: datetime.date | None,
    after_working_days: int | None = None,
    event_name: str = "",
    event_date: datetime.date | None = None,
    indicator: str = "",
) -> Duty:
    """The office sets who answers for a duty, its deadline (absolute or N working days after an event)."""
    if responsible is not None and (
        responsible.role != Role.DEPARTMENT_REVIEWER or not is_duty_department(responsible, duty)
    ):
        raise DomainError(
            _("The responsible person must be a coordinator of the duty's lead department or a co-department."),
            field="responsible",
        )
    if after_working_days is not None and not event_name.strip():
        raise DomainError(_("Name the event the working days count from."), field="event_name")
    if after_working_days is not None and deadline is not None:
        raise DomainError(
            _("Give either a fixed deadline or a number of working days after an event, not both."), field="deadline"
        )
    if indicator and indicator not in INDICATORS:
        raise DomainError(_("Unknown indicator."), field="indicator")
    fields = {
        "responsible": responsible,
        "deadline": deadline,
        "after_working_days": after_working_days,
        "event_name": event_name.strip() if after_working_days is not None else "",
        "event_date": event_date if after_working_days is not None else None,
        "indicator": indicator,
    }
    with transaction.atomic():
        locked = Duty.objects.select_for_update().get(pk=duty.pk)
        before = {k: getattr(locked, k if k != "responsible" else "responsible_id") for k in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        after = {k: getattr(locked, k if k != "responsible" else "responsible_id") for k in fields}
        audit_record(
            actor=acting_user,
            action="duty.assigned",
            obj=locked,
            summary=locked.citation,
            changes={k: [before[k], after[k]] for k in fields if before[k] != after[k]},
        )
        public_cache.changed(DUTIES_AREA)  # the deadline and its state
    return locked


def milestone_add(*, acting_user: User, duty: Duty, title: str, due_on: datetime.date) -> Milestone:
    """The office breaks a duty into milestones."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError(_("Only the programme office sets milestones."))
    if not title.strip():
        raise DomainError(_("A milestone needs a title."), field="title")
    with transaction.atomic():
        milestone = Milestone.objects.create(duty=duty, title=title.strip()[:200], due_on=due_on)
        audit_record(actor=acting_user, action="duty.milestone_added", obj=duty, summary=title.strip()[:200])
    return milestone


def milestone_done(*, acting_user: User, milestone: Milestone, done_on: datetime.date) -> Milestone:
    """A coordinator of the duty (or the office) records that a milestone was reached."""
    duty = milestone.duty
    if acting_user.role != Role.PROGRAMME_OFFICE and not is_duty_department(acting_user, duty):
        raise PermissionDeniedError(_("Only a coordinator of the duty's departments can report on it."))
    if done_on > timezone.localdate():
        raise DomainError(_("A milestone cannot be reached in the future."), field="done_on")
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.done_on is not None:
            raise DomainError(_("This milestone is already recorded as reached."), code="already_done")
        locked.done_on = done_on
        locked.save(update_fields=["done_on"])
        audit_record(
            actor=acting_user, action="duty.milestone_done", obj=duty, summary=locked.title, data={"on": str(done_on)}
        )
    return locked


def duty_report(
    *,
    acting_user: User,
    duty: Duty,
    kind: str,
    text: str,
    percent: int | None = None,
    rules_title: str = "",
    rules_number: str = "",
    rules_date: datetime.date | None = None,
    upload: IO[bytes] | None = None,
    upload_name: str = "",
) -> DutyReport:
    """A coordinator reports progress, or that the duty is done (which then waits for the office)."""
    if not is_duty_department(acting_user, duty):
        raise PermissionDeniedError(_("Only a coordinator of the duty's departments can report on it."))
    if kind not in ReportKind.values:
        raise DomainError(_("Unknown kind of report."), field="kind")
    if not text.strip():
        raise DomainError(_("Say what was done."), field="text")
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError(_("A percentage is between 0 and 100."), field="percent")
    if rules_date is not None and rules_date > timezone.localdate():
        raise DomainError(_("The rules cannot be issued in the future."), field="rules_date")
    if kind == ReportKind.DONE and not (rules_title.strip() or upload is not None):
        raise DomainError(
            _("A duty reported as done names the implementing rules issued or attaches the evidence."),
            field="rules_title",
        )
    from waibao.applications import evidence

    checked = evidence.check_upload(upload, name=upload_name) if upload is not None else None
    stored = evidence.store(checked) if checked is not None else ""
    try:
        with transaction.atomic():
            locked = Duty.objects.select_for_update().get(pk=duty.pk)
            if (
                kind == ReportKind.DONE
                and locked.reports.filter(
                    kind=ReportKind.DONE, decision__in=[ReportDecision.PENDING, ReportDecision.ACCEPTED]
                ).exists()
            ):
                raise DomainError(_("This duty is already reported as done."), code="already_done")
            report = DutyReport.objects.create(
                duty=locked,
                kind=kind,
                text=text.strip(),
                percent=percent,
                rules_title=rules_title.strip()[:200],
                rules_number=rules_number.strip()[:100],
                rules_date=rules_date,
                file_name=checked.original_name if checked else "",
                stored_name=stored,
                content_type=checked.content_type if checked else "",
                author=acting_user,
                decision=ReportDecision.PENDING if kind == ReportKind.DONE else "",
            )
            audit_record(
                actor=acting_user,
                action="duty.reported_done" if kind == ReportKind.DONE else "duty.reported",
                obj=locked,
                summary=locked.citation,
                data={"report": report.pk, "percent": percent, "rules_number": rules_number},
            )
            public_cache.changed(DUTIES_AREA)  # in progress, or submitted as done
    except BaseException:
        if stored:
            evidence.discard(stored)
        raise
    return report


def duty_report_decide(*, acting_user: User, report: DutyReport, accept: bool, reason: str = "") -> DutyReport:
    """The office accepts a duty as done, or returns the report with a reason."""
    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError(_("Only the programme office accepts or returns a duty."))
    if not accept and not reason.strip():
        raise DomainError(_("Say why the report is returned."), field="reason")
    with transaction.atomic():
        locked = DutyReport.objects.select_for_update(of=("self",)).select_related("duty").get(pk=report.pk)
        if locked.decision != ReportDecision.PENDING:
            raise DomainError(_("This report has already been decided."), code="already_decided")
        locked.decision = ReportDecision.ACCEPTED if accept else ReportDecision.RETURNED
        locked.decided_by = acting_user
        locked.decided_at = timezone.now()
        locked.return_reason = "" if accept else reason.strip()
        locked.save(update_fields=["decision", "decided_by", "decided_at", "return_reason"])
        audit_record(
            actor=acting_user,
            action="duty.accepted" if accept else "duty.returned",
            obj=locked.duty,
            summary=locked.duty.citation,
            data={"report": locked.pk, "reason": locked.return_reason},
        )
        public_cache.changed(DUTIES_AREA)  # accepted, or back in progress
    return locked
