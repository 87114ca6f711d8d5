"""The website through /api/v1/website: live public pages for anyone, both languages, events with their
registration state; drafts and unpublished pages are never answered; unknown sections are a 422."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.website.conftest import section
from tests.website.helpers import event, news
from waibao.website.models import NewsPage, SectionKind, SiteHomePage

pytestmark = pytest.mark.django_db


def test_the_public_reads_live_pages_in_both_languages(site: SiteHomePage) -> None:
    item = news(
        "服务外包新闻",
        "api-news",
        title_en="Outsourcing news",
        body="<p>中文正文</p>",
        body_en="<p>English text</p>",
    )
    draft = NewsPage(title="未发布的草稿", slug="draft-news", body="<p>秘密</p>", live=False)
    section(SectionKind.NEWS).add_child(instance=draft)
    draft.save_revision()
    forum = event("api-forum", capacity=2)
    client = Client()
    listed = client.get("/api/v1/website/pages?section=news").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == item.pk
    first = listed["results"][0]
    assert (first["title_zh"], first["title_en"], first["kind"]) == ("服务外包新闻", "Outsourcing news", "newspage")
    detail = client.get(f"/api/v1/website/pages/{item.pk}").json()
    assert detail["body_zh"] == "<p>中文正文</p>" and detail["body_en"] == "<p>English text</p>"
    assert detail["section"] == "news" and detail["url"] == item.url
    # A draft is not answered, by list or by id.
    assert client.get(f"/api/v1/website/pages/{draft.pk}").status_code == 404
    assert "秘密" not in client.get("/api/v1/website/pages?section=news").content.decode()
    events = client.get("/api/v1/website/pages?section=events").json()["results"]
    assert events[0]["id"] == forum.pk and events[0]["event"]["registration"] == "open"
    assert "news" in client.get("/api/v1/website/sections").json()
    unknown = client.get("/api/v1/website/pages?section=secrets")
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "section"
    assert client.get("/api/v1/website/pages?section=news&colour=red").status_code == 422
    assert client.get("/api/v1/website/pages/99999999999").status_code in (404, 422)


def test_a_token_reads_the_website_with_its_scope(site: SiteHomePage, enterprise_user: Any) -> None:
    from waibao.api.services import token_create

    news("服务外包新闻", "scoped-news")
    raw = token_create(
        acting_user=enterprise_user, name="t", scopes=["website:read"], days=30, verified_session=True
    ).raw
    other = token_create(
        acting_user=enterprise_user, name="t2", scopes=["policy:read"], days=30, verified_session=True
    ).raw
    client = Client()
    assert client.get("/api/v1/website/pages?section=news", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get("/api/v1/website/pages?section=news", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
