"""Reminders of duty deadlines: N working days before (the duty's lead times, data) and once when overdue.

`waibao governance remind` runs it daily (the worker's schedule, or cron). Each reminder is recorded so a
second run on the same day sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.applications.notify import notify_users
from waibao.governance.models import DutyStatus, Reminder
from waibao.governance.selectors import duty_rows


def _text(citation: str, deadline: datetime.date, days_left: int | None) -> Callable[[], str]:
    """The reminder in the active language (called once per language: each recipient reads its own)."""

    def text() -> str:
        if days_left is not None and days_left >= 0:
            return _("Duty %(duty)s is due on %(date)s: %(days)s working days left.") % {
                "duty": citation,
                "date": deadline.isoformat(),
                "days": days_left,
            }
        return _("Duty %(duty)s is overdue: its deadline was %(date)s.") % {
            "duty": citation,
            "date": deadline.isoformat(),
        }

    return text


def send_duty_reminders(*, today: datetime.date) -> int:
    """Send the reminders due on `today`; returns how many duties were reminded."""
    office = list(User.objects.filter(is_active=True, role=Role.PROGRAMME_OFFICE))
    sent = 0
    for row in duty_rows(today=today):
        state, duty = row.state, row.duty
        if state.deadline is None or state.status in (DutyStatus.ACCEPTED, DutyStatus.SUBMITTED):
            continue
        if state.status == DutyStatus.OVERDUE:
            kind = "overdue"
        elif state.working_days_left is not None and state.working_days_left in (duty.reminder_days or []):
            kind = f"before-{state.working_days_left}"
        else:
            continue
        recipients = {u.pk: u for u in office}
        if duty.responsible is not None and duty.responsible.is_active:
            recipients[duty.responsible.pk] = duty.responsible
        text = _text(duty.citation, state.deadline, state.working_days_left if kind != "overdue" else None)
        link = reverse("governance:duty", args=[duty.pk])
        try:
            with transaction.atomic():
                Reminder.objects.create(duty=duty, kind=kind, deadline=state.deadline)
                # In each recipient's language, the mail sent once the reminder is recorded (failures logged).
                notify_users(recipients.values(), text, link=link)
        except IntegrityError:
            continue  # already reminded for this deadline
        sent += 1
    return sent
