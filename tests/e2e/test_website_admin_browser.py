"""The office edits the website in a real browser, without a developer: Wagtail's admin at /cms/ works under the
platform's Content-Security-Policy (no refused script or style that breaks it), after the platform's own sign-in
with the second factor; a news page is written in the rich-text editor in both languages and published, an event
with registration is published, and the public reads both in Chinese and in English and registers.

Draftail (Wagtail's rich-text editor) keeps the text in its own state and writes it to the form's hidden input
a moment after the last key (debounced): the script waits for the hidden input to hold the typed text before
saving, as a person who finishes typing and then clicks would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.website.models import EventPage, EventRegistration, NewsPage, SectionPage
from waibao.website.services import ensure_site

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SYNCED = "([name, text]) => (document.querySelector(`input[name='${name}']`) || {}).value?.includes(text)"


def type_rich_text(page: Any, field: str, text: str, refused: list[str]) -> None:
    """Click into the field's Draftail editor, type, and wait until the hidden input carries the text."""
    editor = page.locator(f"[data-contentpath='{field}'] .DraftEditor-root [contenteditable='true']").first
    try:
        editor.wait_for(timeout=60_000)
    except Exception as error:  # say what the browser refused or failed on
        raise AssertionError(f"the rich-text editor of {field} did not start: {refused}") from error
    editor.click()
    page.keyboard.type(text)
    page.wait_for_function(SYNCED, arg=[field, text], timeout=15_000)


def publish(page: Any) -> None:
    with page.expect_navigation():
        page.evaluate("document.querySelector(\"button[name='action-publish']\").click()")


def read_as(page: Any, language: str, path: str) -> str:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    response = page.goto(f"{page.base_url}{path}")
    assert response is not None and response.status == 200, path
    return page.locator("main").inner_text()


def test_office_publishes_news_and_an_event_in_the_cms(browser_page: Any, office: User) -> None:
    ensure_site()
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    login(page, "office", "Correct-Horse-9")

    # News, written in both languages in the rich-text editors.
    news = SectionPage.objects.get(kind="news")
    page.goto(f"{page.base_url}/cms/pages/add/website/newspage/{news.pk}/")
    page.fill("#id_title", "浏览器里写的新闻")
    page.fill("#id_title_en", "News written in the browser")
    type_rich_text(page, "body", "正文第一段。", refused)
    type_rich_text(page, "body_en", "The first paragraph.", refused)
    # The slug sits on the "Promote" tab (hidden here): set it as that tab's field would.
    page.eval_on_selector("#id_slug", "(el) => { el.value = 'browser-news'; }")
    # The widgets Wagtail starts with inline scripts were started by the platform's own file (cms-inline.js).
    assert page.locator("script[data-csp-started]").count() >= 1
    publish(page)
    created = NewsPage.objects.get(slug="browser-news")
    assert created.live
    assert "正文第一段" in created.body and "The first paragraph." in created.body_en

    # An event with registration (two places).
    events = SectionPage.objects.get(kind="events")
    start = timezone.localtime() + timedelta(days=12)
    page.goto(f"{page.base_url}/cms/pages/add/website/eventpage/{events.pk}/")
    page.fill("#id_title", "浏览器里发布的论坛")
    page.fill("#id_title_en", "Forum published in the browser")
    page.select_option("#id_kind", "forum")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_ends_at", (start + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"))
    page.fill("#id_location", "杭州国际博览中心")
    page.fill("#id_location_en", "Hangzhou Expo Center")
    page.fill("#id_capacity", "2")
    page.eval_on_selector("#id_slug", "(el) => { el.value = 'browser-forum'; }")
    publish(page)
    event = EventPage.objects.get(slug="browser-forum")
    assert event.live and event.capacity == 2 and event.registration_open

    # Only the inline scripts are refused (and started by cms-inline.js); no style, no error.
    assert all("Executing inline script" in m for m in refused), refused

    # The public reads both, in Chinese and in English, and registers for the event.
    public = page.context.browser.new_context(locale="zh-CN").new_page()
    public.base_url = page.base_url
    zh = read_as(public, "zh-hans", created.url)
    assert "浏览器里写的新闻" in zh and "正文第一段" in zh and "The first paragraph." not in zh
    en = read_as(public, "en", created.url)
    assert "News written in the browser" in en and "The first paragraph." in en
    assert "Forum published in the browser" in read_as(public, "en", event.url)
    assert "浏览器里发布的论坛" in read_as(public, "zh-hans", "/site/events/")
    read_as(public, "zh-hans", event.url)
    public.fill("input[name=name]", "张三")
    public.fill("input[name=organisation]", "杭州某软件有限公司")
    public.fill("input[name=email]", "zhang@example.com")
    with public.expect_navigation():
        public.locator("main form button[type=submit]").first.click()
    assert EventRegistration.objects.filter(event=event, email="zhang@example.com").count() == 1
    public.context.close()
