"""In a real browser: an enterprise files a contract, the office approves it, the dashboard draws its chart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from waibao.accounts.models import User
from waibao.statistics.models import Contract, ExchangeRate, RecordStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page in the suite's shared browser (tests/conftest.py)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url)  # later calls use page.url's origin
    yield page
    context.close()


def origin(page: Any) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in(page: Any, user: User) -> None:
    page.context.clear_cookies()
    page.goto(f"{origin(page)}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Correct-Horse-9")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    from tests.factories import browser_second_factor

    browser_second_factor(page, user)


def test_file_approve_and_see_it_on_the_dashboard(rates: None, ent_user: User, office: User, page: Any) -> None:
    today = date.today()
    ExchangeRate.objects.create(currency="USD", date=date(today.year, 1, 1), cny_per_unit="7.1")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, ent_user)
    page.goto(f"{origin(page)}/statistics/contracts/new/")
    page.fill("#id_contract_no", "B-1")
    page.fill("#id_client_name", "Acme")
    page.fill("#id_client_country", "JP")
    page.select_option("#id_category", "ito-software-dev")
    page.fill("#id_currency", "USD")
    page.fill("#id_amount", "250000")
    page.fill("#id_signed_date", today.isoformat())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    with page.expect_navigation():
        page.click("main form button:has-text('提交审核')")
    contract = Contract.objects.get(contract_no="B-1")
    assert contract.status == RecordStatus.SUBMITTED
    sign_in(page, office)
    page.goto(f"{origin(page)}/statistics/review/")
    page.check("#review-table input[name=ids]")
    with page.expect_navigation():
        page.click("button[value=approve]")
    contract.refresh_from_db()
    assert contract.status == RecordStatus.APPROVED
    page.goto(f"{origin(page)}/statistics/?from={today.year}-01-01&to={today.year}-12-31&by=country")
    assert "250,000" in page.inner_text("#headline")
    page.wait_for_selector("#indicator-chart canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows at phone width
    assert errors == []
