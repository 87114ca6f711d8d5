"""In a real browser at 1280 px and 390 px, in Chinese and English: every chart label is whole and inside its
chart, none overlaps another; the grouped menu stays on one line at 1280 px for every role, opens from its
button at 390 px and works from the keyboard. Screenshots of each chart page and menu are kept under
var/screenshots/ for people to look at.

The labels are read through ECharts' own API (`echarts.getInstanceByDom(...).getZr()`: the text elements it
drew, their rectangles and clip paths), not from pixels; see chart_labels.js."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import login
from waibao.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHECK = (Path(__file__).parent / "chart_labels.js").read_text()
CHART_PAGES = {
    "/ledger/": ["chart-categories", "chart-sources"],
    "/statistics/": ["indicator-chart"],
    "/statistics/?by=zone": ["indicator-chart"],
    "/statistics/goal/": ["goal-chart"],
}
SHOTS = Path(settings.DATA_DIR) / "screenshots"


@pytest.fixture
def city(office: User) -> User:
    call_command("load_defaults", verbosity=0)
    call_command("demo", enterprises=25, seed=2007, verbosity=0)
    call_command("stats", "demo", seed=2007, verbosity=0)
    return office


def _session(browser: Any, live_server: Any, width: int, language: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.base_url = live_server.url
    login(page, username, "Correct-Horse-9")
    return page


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_chart_label_is_cut_or_overlapping(
    browser: Any, live_server: Any, city: User, width: int, language: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _session(browser, live_server, width, language, "office")
    try:
        for path, ids in CHART_PAGES.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_function(
                "ids => ids.every(id => echarts.getInstanceByDom(document.getElementById(id)))", arg=ids
            )
            page.wait_for_timeout(300)  # ECharts lays labels out on its next frame
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
            page.screenshot(path=str(SHOTS / f"charts-{name}-{width}-{language}.png"), full_page=True)
            report = page.evaluate(CHECK, ids)
            for chart_id, result in report.items():
                assert result.get("labels", 0) > 3, (path, chart_id, result)
                assert not result["problems"], f"{path} #{chart_id} at {width}px ({language}): " + json.dumps(
                    result["problems"], ensure_ascii=False
                )
    finally:
        page.context.close()


def test_the_check_sees_a_cut_label(browser: Any, live_server: Any, city: User) -> None:
    """The check is not vacuous: a chart drawn with ECharts' truncation is reported."""
    page = _session(browser, live_server, 390, "zh-hans", "office")
    try:
        page.goto(f"{live_server.url}/ledger/")
        page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('chart-categories'))")
        page.evaluate(
            """() => echarts.getInstanceByDom(document.getElementById('chart-categories'))
                 .setOption({yAxis: {axisLabel: {width: 40, overflow: 'truncate'}}})"""
        )
        page.wait_for_timeout(300)
        problems = page.evaluate(CHECK, ["chart-categories"])["chart-categories"]["problems"]
        assert any(p.get("truncated") for p in problems)
    finally:
        page.context.close()


@pytest.fixture
def leader(dataset: Path) -> User:
    from tests.factories import make_user
    from waibao.accounts.models import Role

    return make_user(Role.CITY_LEADER, username="leader")


MENU_ITEMS = "header .main-nav > a, header .main-nav summary, header .header-tools > *"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("username", [None, "office", "reviewer", "finance", "ent", "trainer", "leader"])
def test_the_menu_stays_on_one_line_at_1280(
    browser: Any,
    live_server: Any,
    city: User,
    username: str | None,
    language: str,
    reviewer: User,
    finance: User,
    enterprise_user: User,
    training_user: User,
    leader: User,
) -> None:
    """The brand, the menu's top links and groups, the language switch and the sign-out share one line; each
    group opens below it inside the window."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.base_url = live_server.url
    try:
        if username:
            login(page, username, "Correct-Horse-9")
        page.goto(f"{live_server.url}/policy/")
        tops = page.eval_on_selector_all(
            f".brand, {MENU_ITEMS}", "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().top)"
        )
        assert len(tops) >= 5 and max(tops) - min(tops) <= 8, tops
        page.screenshot(path=str(SHOTS / f"menu-{username or 'public'}-1280-{language}.png"))
        for summary in page.query_selector_all("#main-nav summary"):
            summary.click()
            panel = summary.evaluate(
                "s => { const r = s.parentElement.querySelector('ul').getBoundingClientRect();"
                " return [r.left, r.right, r.top, s.getBoundingClientRect().bottom]; }"
            )
            assert panel[0] >= 0 and panel[1] <= 1280 and panel[2] >= panel[3] - 1, panel
            # the script marks the group open on the details' toggle event, which may fire after the click returns
            page.wait_for_function("s => s.getAttribute('aria-expanded') === 'true'", arg=summary, timeout=5000)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_phone_menu_opens_from_its_button(browser: Any, live_server: Any, city: User, language: str) -> None:
    """At 390 px the menu hides behind one button that says whether it is open; nothing is wider than the phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, "office", "Correct-Horse-9")
        page.goto(f"{live_server.url}/policy/")
        toggle = page.locator(".nav-toggle")
        assert toggle.is_visible() and not page.is_visible("#main-nav")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and page.is_visible("#main-nav")
        page.locator("#main-nav summary").last.click()
        assert page.locator("#main-nav details").last.locator("a").first.is_visible()
        page.screenshot(path=str(SHOTS / f"menu-office-390-{language}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "false" and not page.is_visible("#main-nav")
    finally:
        context.close()


def test_the_menu_works_from_the_keyboard(browser: Any, live_server: Any, city: User) -> None:
    """Enter opens a group, Tab walks its links, Escape closes it and gives the focus back; one group at a time."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, "office", "Correct-Horse-9")
        page.goto(f"{live_server.url}/policy/")
        first = page.locator("#main-nav summary").first
        first.focus()
        page.keyboard.press("Enter")
        expect(first).to_have_attribute("aria-expanded", "true")  # set on the toggle event, after the key
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('details') !== null")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "/policy/"
        page.keyboard.press("Escape")
        expect(first).to_have_attribute("aria-expanded", "false")  # set on the toggle event, after the key
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Enter")
        page.locator("#main-nav summary").nth(1).click()
        assert page.eval_on_selector_all("#main-nav details", "els => els.map(e => e.open)")[:2] == [False, True]
        page.mouse.click(640, 700)
        assert not any(page.eval_on_selector_all("#main-nav details", "els => els.map(e => e.open)"))
    finally:
        context.close()
