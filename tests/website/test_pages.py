"""The site's pages in both languages, the policy library (rules, amounts in force, the way to "What am I
entitled to?"), the platform's home page linking the news and notices, and a crawl of /site/ for the public and
the staff in Chinese and English (no code, no untranslated text, no broken link, no server error)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.crawl import Crawl
from tests.website.helpers import event, news
from waibao.accounts.models import User
from waibao.website.demo import ensure_demo_website
from waibao.website.models import SiteHomePage

pytestmark = pytest.mark.django_db


def client_in(language: str, user: User | None = None, client_for: Any = None) -> Client:
    client = client_for(user) if user is not None else Client()
    client.cookies["django_language"] = language
    return client


def test_each_page_in_the_readers_language(site: SiteHomePage) -> None:
    page = news(
        "服务外包新闻", "bilingual", title_en="Outsourcing news", body="<p>中文正文</p>", body_en="<p>English text</p>"
    )
    zh = client_in("zh-hans").get(page.url).content.decode()
    en = client_in("en").get(page.url).content.decode()
    assert "服务外包新闻" in zh and "中文正文" in zh and "English text" not in zh
    assert "Outsourcing news" in en and "English text" in en and "中文正文" not in en


def test_english_falls_back_to_chinese_marked_as_chinese(site: SiteHomePage) -> None:
    page = news("只有中文的新闻", "zh-only", body="<p>只有中文</p>")
    en = client_in("en").get(page.url).content.decode()
    assert '<h1 lang="zh-hans">只有中文的新闻</h1>' in en
    assert '<div class="rich-text" lang="zh-hans"><p>只有中文</p></div>' in en


def test_the_home_page_links_the_latest_news_and_notices(site: SiteHomePage) -> None:
    page = news("首页可见的新闻", "on-home")
    home = Client().get("/").content.decode()
    assert page.url in home and "首页可见的新闻" in home
    assert 'href="/site/"' in home


def test_the_policy_library_shows_rules_amounts_and_entitlements(site: SiteHomePage) -> None:
    index = Client().get("/site/library/").content.decode()
    assert "/site/library/HZ-17/" in index and "/policy/entitlements/" in index
    article = Client().get("/site/library/HZ-9/").content.decode()
    assert "HZ-9a" in article and "/policy/entitlements/" in article
    assert "<strong>" in article  # the amounts in force
    assert Client().get("/site/library/HZ-999/").status_code == 404


def test_an_interpretation_links_its_article_and_the_article_lists_it(site: SiteHomePage) -> None:
    ensure_demo_website()
    article = Client().get("/site/library/HZ-17/").content.decode()
    assert "/site/interpretations/hz-17-training-subsidy/" in article


def test_an_events_page_and_an_image_rendition(site: SiteHomePage) -> None:
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    buffer = io.BytesIO()
    PILImage.new("RGB", (2400, 1600), (30, 90, 160)).save(buffer, "JPEG")
    image = Image.objects.create(title="会场", file=ImageFile(buffer, name="hall.jpg"))
    page = event("with-image", image=image, image_alt="论坛会场", image_alt_en="The forum's hall")
    html = client_in("en").get(page.url).content.decode()
    assert 'alt="The forum&#x27;s hall"' in html or 'alt="The forum\'s hall"' in html
    src = html.split('class="site-image"')[0].rsplit("<img", 1)[-1] if 'class="site-image"' in html else ""
    src = html.split("/site/media/", 1)[1].split('"', 1)[0]
    served = Client().get(f"/site/media/{src}")
    assert served.status_code == 200
    resized = Image.open if False else None  # noqa: F841
    out = PILImage.open(io.BytesIO(b"".join(served.streaming_content)))  # type: ignore[attr-defined]
    assert out.size == (960, 480)  # resized for the web, not the 2400 px original
    assert Client().get("/site/media/../waibao.sqlite3").status_code == 404
    assert Client().get("/site/media/original_images/hall.jpg").status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", [None, "office", "zone_editor"])
def test_crawl_of_the_site(site: SiteHomePage, language: str, who: str | None, request: Any, client_for: Any) -> None:
    ensure_demo_website()
    user = request.getfixturevalue(who) if who else None
    client = client_in(language, user, client_for)
    names = sorted({n for u in User.objects.all() for n in (u.username, str(u))}, key=len, reverse=True)
    crawl = Crawl(client, language, per_route=40, data_names=names)
    crawl.run(["/site/", "/site/library/", "/site/search/?q=%E5%A4%96%E5%8C%85", "/"], limit=120)
    assert crawl.pages > 20
    assert not crawl.errors, crawl.errors
    findings = [f for f in crawl.findings if f.url.startswith("/site/")]
    assert not findings, "\n".join(map(str, findings))


def test_anonymous_readers_get_pages_from_the_cache_and_every_publication_at_once(site: SiteHomePage) -> None:
    """The public cache (`public_cache.public_page`) keeps a page until a page is published, unpublished or deleted;
    an event's page, whose places change with each registration, is never kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from waibao.website.services import event_register

    page = news("第一版标题", "cached-news")
    reader = Client()
    assert "第一版标题" in reader.get(page.url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "第一版标题" in reader.get(page.url).content.decode()
    assert len(queries) == 0, "served from the cache"
    assert "第一版标题" in reader.get("/site/news/").content.decode()
    page.title = "第二版标题"
    page.save_revision().publish()
    assert "第二版标题" in reader.get(page.url).content.decode()
    assert "第二版标题" in reader.get("/site/news/").content.decode()
    page.delete()
    assert reader.get(page.url).status_code == 404
    assert "第二版标题" not in reader.get("/site/news/").content.decode()
    forum = event("cached-forum", capacity=2)
    assert reader.get(forum.url).context["places_left"] == 2
    event_register(event=forum, language="zh-hans", name="张三", email="zhang@example.com", organisation="", phone="")
    assert reader.get(forum.url).context["places_left"] == 1
