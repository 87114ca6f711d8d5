"""In a real browser: finance pays a commitment (submitting twice) and the fund page shows the money move."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.ledger.models import Commitment, EntryKind, LedgerEntry
from waibao.ledger.services import commitment_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_finance_pays_and_the_fund_page_shows_it(
    browser: Any,
    live_server: Any,
    make_application: Any,
    office: User,
    finance: User,
) -> None:
    commitment = commitment_create(
        acting_user=office, application=make_application("HZ-12a", 2008, zone="htz"), amount=Decimal("200000")
    )
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        login(page, "finance", "Correct-Horse-9")
        page.goto(f"{live_server.url}/ledger/commitments/{commitment.pk}/")
        page.fill("#payment-form input[name=amount]", "150000")
        page.fill("#payment-form input[name=voucher_number]", "PZ-2008-001")
        page.fill("#payment-form input[name=paid_on]", "2008-06-30")
        page.fill("#payment-form input[name=payee_account]", "6222020200112233445")
        # The same form sent twice (a double click, a resubmission): the form's request key makes the second a
        # no-op. Sent one after the other: the test server shares one in-memory SQLite connection between its
        # threads, so two requests at once would share a transaction, which no deployed database does.
        fields = page.eval_on_selector("#payment-form", "f => Object.fromEntries(new FormData(f).entries())")
        action = page.eval_on_selector("#payment-form", "f => f.action")
        page.click("#payment-form button[type=submit]")
        page.wait_for_selector(".messages .message")
        page.wait_for_load_state()
        again = page.request.post(action, form=fields, headers={"Referer": page.url}, max_redirects=0)
        assert again.status == 302, again.text()[:500]
        assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, commitment=commitment).count() == 1
        assert Commitment.objects.get(pk=commitment.pk).paid == Decimal("150000.00")

        page.goto(f"{live_server.url}/ledger/?year=2008&fund=special_fund")
        fund_row = page.locator("#fund-table tbody tr").first.inner_text()
        assert "100,000,000.00" in fund_row and "150,000.00" in fund_row and "50,000.00" in fund_row
        page.wait_for_selector("#chart-categories canvas")  # ECharts drew the chart
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1, "the page scrolls sideways at phone width"
    finally:
        context.close()
