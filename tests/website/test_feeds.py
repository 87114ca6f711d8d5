"""Feeds (RSS 2.0 and Atom) of news and notices, the events' iCalendar, and the sitemap: each parses."""

from __future__ import annotations

import defusedxml.ElementTree as ET
import pytest
from django.test import Client

from tests.website.helpers import event, news, notice
from waibao.website.models import SiteHomePage

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def content(site: SiteHomePage) -> None:
    news("新闻一", "news-one", title_en="News one", intro="摘要一")
    notice("通知一", "notice-one", title_en="Notice one")
    event("forum-one", title="论坛一, 第一场; 上午", intro="讨论\n政策")


@pytest.mark.parametrize("kind,title", [("news", "新闻一"), ("notices", "通知一")])
def test_rss_parses(content: None, kind: str, title: str) -> None:
    response = Client().get(f"/site/feeds/{kind}.rss")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == [title]
    slug = {"news": "news-one", "notices": "notice-one"}[kind]
    assert items[0].findtext("link", "").endswith(f"/site/{kind}/{slug}/")


@pytest.mark.parametrize("kind,title", [("news", "News one"), ("notices", "Notice one")])
def test_atom_parses_in_english(content: None, kind: str, title: str) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    root = ET.fromstring(client.get(f"/site/feeds/{kind}.atom").content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [title]


def unfold(text: str) -> list[str]:
    assert "\r\n" in text
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def test_icalendar_parses(content: None) -> None:
    response = Client().get("/site/feeds/events.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    fields = dict(line.split(":", 1) for line in lines if not line.startswith(("BEGIN", "END")))
    assert fields["SUMMARY"] == "论坛一\\, 第一场\\; 上午"
    assert fields["DESCRIPTION"] == "讨论\\n政策"
    assert fields["DTSTART"].endswith("Z") and len(fields["DTSTART"]) == 16
    assert lines.count("BEGIN:VEVENT") == 1


def test_one_events_icalendar(site: SiteHomePage) -> None:
    page = event("forum-two")
    body = Client().get(f"/site/events/{page.pk}/event.ics").content.decode()
    assert f"UID:event-{page.pk}@" in body
    page.unpublish()
    assert Client().get(f"/site/events/{page.pk}/event.ics").status_code == 404


def test_sitemap_lists_pages_and_the_library(content: None) -> None:
    root = ET.fromstring(Client().get("/site/sitemap.xml").content)
    locs = [e.text or "" for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc.endswith("/site/news/news-one/") for loc in locs)
    assert any(loc.endswith("/site/library/HZ-17/") for loc in locs)
