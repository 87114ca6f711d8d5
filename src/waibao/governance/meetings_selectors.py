"""Reads of the leadership group: members, meetings, the next meeting and open decisions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from waibao.common import public_cache
from waibao.governance.models import GroupMember, Meeting, MeetingStatus
from waibao.governance.selectors import DutyLine, DutyRow, duties_annotated
from waibao.governance.status import duty_state
from waibao.workdays.selectors import current_calendar


def members(*, include_past: bool = False) -> QuerySet[GroupMember]:
    qs = GroupMember.objects.select_related("department", "user").order_by("sort_order", "valid_from", "pk")
    if not include_past:
        qs = qs.filter(valid_to__isnull=True)
    return qs


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.order_by("-starts_at")


def meeting_decisions(meeting: Meeting, *, today: datetime.date | None = None) -> list[DutyRow]:
    today = today or timezone.localdate()
    calendar = current_calendar()
    return [
        DutyRow(d, duty_state(d, calendar=calendar, today=today))
        for d in duties_annotated().filter(meeting=meeting).order_by("citation")
    ]


# The public-cache area of the scheduled meetings (the cockpit keeps them in its cache): the services that schedule
# a meeting or move it on (`meetings.meeting_schedule`, `meetings.meeting_transition`) mark it changed.
MEETINGS_AREA = public_cache.GOVERNANCE


@dataclass(frozen=True)
class ScheduledMeeting:
    """A meeting still scheduled, as the cockpit shows it (and links it)."""

    pk: int
    title: str
    starts_at: datetime.datetime


def scheduled_meetings() -> list[ScheduledMeeting]:
    """Every meeting still scheduled, soonest first (past ones too: the reader's clock picks the next)."""
    found = Meeting.objects.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at", "pk")
    return [ScheduledMeeting(*v) for v in found.values_list("pk", "title", "starts_at")]


@dataclass(frozen=True)
class MeetingSummary:
    next_meeting: Meeting | ScheduledMeeting | None
    open_decisions: list[DutyLine]


def ical(meeting: Meeting, *, site_url: str = "") -> str:
    """An iCalendar (RFC 5545) invitation for one meeting."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    def stamp(moment: datetime.datetime) -> str:
        return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")

    end = meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes)
    agenda = "\n".join(f"{item.order}. {item.title}" for item in meeting.agenda.all())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//waibao//leadership group//ZH",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@waibao",
        f"DTSTAMP:{stamp(timezone.now())}",
        f"DTSTART:{stamp(meeting.starts_at)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{esc(meeting.code + ' ' + meeting.title)}",
        f"LOCATION:{esc(meeting.location)}",
        f"DESCRIPTION:{esc(agenda)}",
    ]
    if site_url:
        lines.append(f"URL:{site_url.rstrip('/')}/governance/meetings/{meeting.pk}/")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) for line in lines)


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out) + "\r\n"
