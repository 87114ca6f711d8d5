"""Pages made directly (the editorial flow itself is tested through the admin in test_editorial.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.website.conftest import section
from waibao.website.models import EventPage, NewsPage, NoticePage, SectionKind, SitePage


def publish(kind: str, page: SitePage) -> Any:
    section(kind).add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def news(title: str, slug: str, **fields: Any) -> NewsPage:
    return publish(SectionKind.NEWS, NewsPage(title=title, slug=slug, **fields))


def notice(title: str, slug: str, **fields: Any) -> NoticePage:
    return publish(SectionKind.NOTICES, NoticePage(title=title, slug=slug, **fields))


def event(slug: str = "forum", *, capacity: int = 2, days: int = 10, **fields: Any) -> EventPage:
    start = timezone.now() + timedelta(days=days)
    values: dict[str, Any] = {
        "title": "服务外包发展论坛",
        "title_en": "Outsourcing forum",
        "kind": "forum",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "location": "杭州国际博览中心",
        "location_en": "Hangzhou Expo Center",
        "capacity": capacity,
    }
    values.update(fields)
    return publish(SectionKind.EVENTS, EventPage(slug=slug, **values))
