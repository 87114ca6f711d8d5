"""iCalendar (RFC 5545) for events: one event, or every event of the feed. Written by hand: a few fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils.html import strip_tags

from waibao.common.mail import absolute_url
from waibao.website.models import EventPage


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF and a space), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode()) > (75 if not out else 74):
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[EventPage], *, name: str) -> str:
    host = settings.WAIBAO_SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "waibao"
    now = _utc(datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//waibao//website//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        description = strip_tags(f"{event.intro}\n{event.intro_en}".strip())
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(event.starts_at)}",
            f"DTEND:{_utc(event.ends_at)}",
            f"SUMMARY:{_escape(event.heading.text)}",
            f"LOCATION:{_escape(event.place.text)}",
            f"DESCRIPTION:{_escape(description)}",
            f"URL:{absolute_url(event.url or '')}",
            f"LAST-MODIFIED:{_utc(event.last_published_at or event.latest_revision_created_at or datetime.now(UTC))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
