"""A duty's deadline and status, derived from its record every time it is read (overdue is never stored)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from waibao.governance.models import DutyStatus, ReportDecision
from waibao.workdays.calendar import CalendarYearMissingError, WorkCalendar


@dataclass(frozen=True)
class DutyState:
    status: DutyStatus
    deadline: datetime.date | None
    # Why there is no deadline to show: waiting for the event, or the calendar year is not confirmed.
    deadline_note: str = ""
    working_days_left: int | None = None

    @property
    def working_days_late(self) -> int | None:
        left = self.working_days_left
        return -left if left is not None and left < 0 else None


class DutyTerms(Protocol):
    """What a duty's deadline is derived from: a `Duty`, or a `selectors.DutyLine` read as plain values."""

    @property
    def deadline(self) -> datetime.date | None: ...

    @property
    def after_working_days(self) -> int | None: ...

    @property
    def event_name(self) -> str: ...

    @property
    def event_date(self) -> datetime.date | None: ...


def duty_deadline(duty: DutyTerms, calendar: WorkCalendar) -> tuple[datetime.date | None, str]:
    if duty.after_working_days is None:
        return duty.deadline, ""
    if duty.event_date is None:
        return None, str(duty.event_name)
    try:
        return calendar.add_working_days(duty.event_date, duty.after_working_days), ""
    except CalendarYearMissingError as exc:
        return None, str(exc.message)


def derive_status(
    *, deadline: datetime.date | None, has_reports: bool, done_decision: str | None, today: datetime.date
) -> DutyStatus:
    if done_decision == ReportDecision.ACCEPTED:
        return DutyStatus.ACCEPTED
    if done_decision == ReportDecision.PENDING:
        return DutyStatus.SUBMITTED
    if deadline is not None and today > deadline:
        return DutyStatus.OVERDUE
    return DutyStatus.IN_PROGRESS if has_reports else DutyStatus.NOT_STARTED


def duty_state(duty: DutyTerms, *, calendar: WorkCalendar, today: datetime.date) -> DutyState:
    """`duty` annotated by `selectors.duties_annotated` (has_reports, done_decision), or a `DutyLine`."""
    deadline, note = duty_deadline(duty, calendar)
    status = derive_status(
        deadline=deadline,
        has_reports=bool(getattr(duty, "has_reports", False)),
        done_decision=getattr(duty, "done_decision", None),
        today=today,
    )
    left = None
    if deadline is not None and status not in (DutyStatus.ACCEPTED, DutyStatus.SUBMITTED):
        try:
            left = calendar.working_days_between(today, deadline)
        except CalendarYearMissingError:
            left = None
    return DutyState(status=status, deadline=deadline, deadline_note=note, working_days_left=left)
