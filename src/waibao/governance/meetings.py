"""Writes for the leadership group: members, meetings, agenda, attendance, minutes and decisions.

A decision (议定事项) becomes a tracked duty of the owner department (source "decision"), so the same
deadlines, reports, reminders and acceptance apply to it as to the division of work.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.governance.meetings_selectors import MEETINGS_AREA
from waibao.governance.models import (
    AgendaItem,
    Attendance,
    Department,
    Duty,
    DutySource,
    GroupMember,
    Meeting,
    MeetingStatus,
    MinutesComment,
)
from waibao.governance.selectors import DUTIES_AREA
from waibao.governance.workflow import COMMENTS_OPEN, DECISIONS_OPEN, MEETING_WORKFLOW, MINUTES_EDITABLE


def _fresh(meeting: Meeting) -> Meeting:
    """The meeting locked for this transaction, so a step checks the state as it is now."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _office(user: User) -> None:
    if user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError(_("Only the programme office runs the group's meetings."))


def members_on(day: datetime.date) -> list[GroupMember]:
    return list(
        GroupMember.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("department")
        .order_by("sort_order", "pk")
    )


def member_replace(
    *, acting_user: User, member: GroupMember, person: str, title: str, on: datetime.date
) -> GroupMember:
    """A new person takes a seat from `on`; the previous holder's period ends the day before."""
    _office(acting_user)
    if not person.strip():
        raise DomainError(_("Name the new member."), field="person")
    if on <= member.valid_from or member.valid_to is not None:
        raise DomainError(_("The replacement date must fall within the current member's period."), field="on")
    with transaction.atomic():
        member.valid_to = on - datetime.timedelta(days=1)
        member.save(update_fields=["valid_to"])
        new = GroupMember.objects.create(
            group_role=member.group_role,
            department=member.department,
            unit_zh=member.unit_zh,
            unit_en=member.unit_en,
            person=person.strip(),
            title=title.strip(),
            title_en=member.title_en if title.strip() == member.title else "",
            valid_from=on,
            sort_order=member.sort_order,
        )
        audit_record(
            actor=acting_user,
            action="group.member_replaced",
            obj=new,
            summary=f"{member.person} → {new.person}",
            data={"previous": member.pk, "from": on.isoformat()},
        )
    return new


def meeting_schedule(
    *, acting_user: User, code: str, title: str, starts_at: datetime.datetime, location: str = "", duration: int = 120
) -> Meeting:
    _office(acting_user)
    if not code.strip() or not title.strip():
        raise DomainError(_("A meeting needs a number and a title."), field="code")
    if Meeting.objects.filter(code=code.strip()).exists():
        raise DomainError(_("A meeting with this number already exists."), field="code")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            code=code.strip(),
            title=title.strip(),
            starts_at=starts_at,
            location=location.strip(),
            duration_minutes=duration,
            created_by=acting_user,
        )
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=m) for m in members_on(timezone.localtime(starts_at).date())]
        )
        # The agenda opens with the decisions of the last meeting and their status.
        previous = (
            Meeting.objects.filter(starts_at__lt=starts_at, decisions__isnull=False)
            .exclude(pk=meeting.pk)
            .order_by("-starts_at")
            .first()
        )
        if previous is not None:
            with translation.override(settings.LANGUAGE_CODE):  # stored text: the platform's language
                opening = _("Decisions of meeting %(code)s: status") % {"code": previous.code}
            AgendaItem.objects.create(
                meeting=meeting,
                order=1,
                title=opening,
                link=f"/governance/meetings/{previous.pk}/",
                minutes_allotted=10,
            )
        audit_record(actor=acting_user, action="meeting.scheduled", obj=meeting, summary=meeting.code)
        public_cache.changed(MEETINGS_AREA)  # the cockpit's next meeting
    return meeting


def agenda_item_add(
    *,
    acting_user: User,
    meeting: Meeting,
    title: str,
    presenter: Department | None,
    minutes: int = 15,
    duty: Duty | None = None,
    link: str = "",
) -> AgendaItem:
    _office(acting_user)
    if not title.strip():
        raise DomainError(_("An agenda item needs a title."), field="title")
    if link and not link.startswith("/"):
        raise DomainError(_("Link to a page of the platform (a path starting with /)."), field="link")
    with transaction.atomic():
        meeting = _fresh(meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise DomainError(_("The agenda is fixed once the meeting is held."), code="agenda_closed")
        order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            title=title.strip()[:200],
            presenter=presenter,
            minutes_allotted=minutes,
            duty=duty,
            link=link.strip()[:300],
        )
        audit_record(actor=acting_user, action="meeting.agenda_added", obj=meeting, summary=item.title)
    return item


def attendance_record(*, acting_user: User, meeting: Meeting, present_member_ids: set[int]) -> None:
    _office(acting_user)
    with transaction.atomic():
        meeting = _fresh(meeting)
        if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.PUBLISHED):
            raise DomainError(_("Attendance can no longer be changed."), code="closed")
        for row in meeting.attendance.all():
            present = row.member_id in present_member_ids
            if row.present != present:
                row.present = present
                row.save(update_fields=["present"])
        audit_record(
            actor=acting_user,
            action="meeting.attendance",
            obj=meeting,
            data={"present": sorted(present_member_ids)},
        )


def meeting_transition(*, acting_user: User, meeting: Meeting, name: str, reason: str = "") -> Meeting:
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        step = MEETING_WORKFLOW.check(name=name, state=locked.status, role=acting_user.role, reason=reason)
        if name == "circulate" and not locked.minutes.strip():
            raise DomainError(_("Draft the minutes before circulating them."), field="minutes")
        if name == "hold" and timezone.now() < locked.starts_at:
            raise DomainError(_("The meeting has not started yet."), code="not_yet")
        before = locked.status
        locked.status = step.target
        fields = ["status"]
        if step.target == MeetingStatus.PUBLISHED:
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        audit_record(
            actor=acting_user,
            action=f"meeting.{name}",
            obj=locked,
            summary=locked.code,
            changes={"status": [before, locked.status]},
            data={"reason": reason},
        )
        if before == MeetingStatus.SCHEDULED:
            public_cache.changed(MEETINGS_AREA)  # held or cancelled: no longer the cockpit's next meeting
    return locked


def minutes_save(*, acting_user: User, meeting: Meeting, text: str) -> Meeting:
    _office(acting_user)
    with transaction.atomic():
        meeting = _fresh(meeting)
        if meeting.status not in MINUTES_EDITABLE:
            raise DomainError(_("The minutes can be edited only while they are being drafted."), code="minutes_closed")
        meeting.minutes = text.strip()
        meeting.save(update_fields=["minutes"])
        audit_record(actor=acting_user, action="meeting.minutes_saved", obj=meeting, summary=meeting.code)
    return meeting


def is_member_account(user: User, meeting: Meeting) -> bool:
    return meeting.attendance.filter(member__user=user).exists()


def minutes_comment(*, acting_user: User, meeting: Meeting, text: str) -> MinutesComment:
    if acting_user.role != Role.PROGRAMME_OFFICE and not is_member_account(acting_user, meeting):
        raise PermissionDeniedError(_("Only the group's members comment on the minutes."))
    if not text.strip():
        raise DomainError(_("Write a comment."), field="text")
    with transaction.atomic():
        meeting = _fresh(meeting)
        if meeting.status not in COMMENTS_OPEN:
            raise DomainError(_("The minutes are not open for comment."), code="comments_closed")
        comment = MinutesComment.objects.create(meeting=meeting, author=acting_user, text=text.strip())
        audit_record(actor=acting_user, action="meeting.commented", obj=meeting, summary=meeting.code)
    return comment


def decision_record(
    *, acting_user: User, meeting: Meeting, text: str, owner: Department, deadline: datetime.date
) -> Duty:
    """A decision of the meeting: a tracked duty of `owner`, cited as LG-<meeting>.<n>."""
    _office(acting_user)
    if not text.strip():
        raise DomainError(_("State the decision."), field="text")
    if deadline < timezone.localtime(meeting.starts_at).date():
        raise DomainError(_("The deadline cannot be before the meeting."), field="deadline")
    with transaction.atomic():
        meeting = _fresh(meeting)
        if meeting.status not in DECISIONS_OPEN:
            raise DomainError(_("Decisions are recorded until the minutes are approved."), code="decisions_closed")
        n = meeting.decisions.count() + 1
        number = (Duty.objects.filter(department=owner).aggregate(m=Max("number"))["m"] or 0) + 1
        duty = Duty.objects.create(
            department=owner,
            number=number,
            citation=f"LG-{meeting.code}.{n}",
            text_zh=text.strip(),
            text_en=text.strip(),
            deadline=deadline,
            source=DutySource.DECISION,
            meeting=meeting,
            reminder_days=[10, 3],
        )
        audit_record(
            actor=acting_user,
            action="meeting.decision",
            obj=duty,
            summary=duty.citation,
            data={"meeting": meeting.code, "owner": owner.code, "deadline": deadline.isoformat()},
        )
        public_cache.changed(DUTIES_AREA)  # a new duty in the lists and the cockpit
    return duty
