"""Browser tests: Playwright (the Python package) driving Debian's Chromium against the live test server.

The session-wide `browser` fixture lives in tests/conftest.py so that every browser test in the suite shares
one Playwright instance (two sync instances cannot run in one thread)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh page (own cookies) at phone-friendly desktop width; `page.base_url` is the live server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def login(page: Any, username: str, password: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    from tests.factories import browser_second_factor

    browser_second_factor(page, username)
