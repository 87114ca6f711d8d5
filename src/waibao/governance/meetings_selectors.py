"""Reads of the leadership group: members, meetings, the next meeting and open decisions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from waibao.governance.models import GroupMember, Meeting, MeetingStatus
from waibao.governance.selectors import DutyFilters, DutyLine, DutyRow, duties_annotated, duty_lines
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


@dataclass(frozen=True)
class MeetingSummary:
    next_meeting: Meeting | None
    open_decisions: list[DutyLine]


def meeting_summary(*, today: datetime.date, rows: list[DutyLine] | None = None) -> MeetingSummary:
    """The next meeting and the decisions not yet accepted; `rows`, every duty's line already derived (the
    cockpit has them), saves deriving the decisions again."""
    from waibao.governance.models import DutySource, DutyStatus

    upcoming = (
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now())
        .only("title", "starts_at")  # what the cockpit shows of it (and the link to it)
        .order_by("starts_at")
        .first()
    )
    if rows is None:
        rows = duty_lines(DutyFilters(source=DutySource.DECISION), today=today)
    open_rows = [r for r in rows if r.source == DutySource.DECISION and r.state.status != DutyStatus.ACCEPTED]
    return MeetingSummary(next_meeting=upcoming, open_decisions=open_rows)


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
