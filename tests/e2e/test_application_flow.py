"""In a real browser: an enterprise applies for the software-export reward and it goes all the way to payment."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.applications.dataset import load_routing_dataset
from waibao.applications.models import Application, ApplicationStatus
from waibao.ledger.dataset import load_ledger_dataset
from waibao.ledger.models import Commitment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-Horse-9"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def routed(dataset: Path) -> Path:
    load_routing_dataset(dataset)
    load_ledger_dataset(dataset)
    return dataset


@pytest.fixture
def pages(browser: Any, live_server: Any) -> Iterator[Callable[[str | None], Any]]:
    """A page per person (own cookies), signed in as `username` (None: an anonymous visitor)."""
    contexts: list[Any] = []

    def open_as(username: str | None, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        if username:
            login(page, username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def click_action(page: Any, action: str, reason: str = "") -> None:
    form = page.locator(f"form:has(button[data-action={action}])")
    if reason:
        form.locator("input[name=reason]").fill(reason)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state()


def status(page: Any) -> str:
    return str(page.locator("#status-badge").get_attribute("data-status"))


def test_apply_review_notice_objection_commit_pay(
    routed: Path,
    pages: Callable[..., Any],
    enterprise_user: User,
    reviewer: User,
    office: User,
    finance: User,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    evidence = tmp_path / "contract.pdf"
    evidence.write_bytes(PDF)

    # The enterprise chooses the rule and year, fills the one fact, attaches the contract, signs, submits.
    applicant = pages("ent")
    applicant.goto(f"{applicant.base_url}/applications/new/")
    applicant.select_option("select[name=rule]", "HZ-12a")
    applicant.select_option("select[name=year]", "2008")
    applicant.click("#choose-rule button[type=submit]")
    applicant.fill("input[name=fact__software_export_usd]", "600000")
    assert applicant.locator("input[name=fact__registered_capital_cny]").count() == 0
    applicant.set_input_files("input[name=evidence_contract]", str(evidence))
    applicant.check("input[name=commitment]")
    applicant.click("#submit-application")
    applicant.wait_for_load_state()
    assert status(applicant) == "submitted"
    assert "200,000.00" in applicant.locator("#calculated-amount").inner_text()
    assert applicant.locator("#engine-result li").count() >= 3
    application = Application.objects.get(rule_id="HZ-12a", enterprise=enterprise_user.enterprise)
    detail = f"/applications/{application.pk}/"

    # The reviewer finds it in the queue, starts the review and returns it for more information.
    desk = pages("reviewer")
    desk.goto(f"{desk.base_url}/applications/queue/")
    desk.click(f"#queue a[href='{detail}']")
    click_action(desk, "start_review")
    click_action(desk, "return", "请补充出口合同的报关单")
    assert status(desk) == "returned"

    # The applicant sees the reason and resubmits.
    applicant.goto(f"{applicant.base_url}{detail}")
    assert "请补充出口合同的报关单" in applicant.locator("#status-reason").inner_text()
    click_action(applicant, "resubmit")
    assert status(applicant) == "submitted"

    # Review again and recommend the fixed amount (the form offers it).
    desk.goto(f"{desk.base_url}{detail}")
    click_action(desk, "start_review")
    assert desk.locator("#recommend-form input[name=amount]").input_value() in ("200000.00", "200000")
    # The declared exports stand beside the approved statistics (none yet): flagged, so the reviewer says why.
    assert desk.locator("#verified-facts tr.flagged").count() == 1
    desk.fill("#recommend-form textarea[name=reason]", "已核对出口合同，统计数据尚未审核")
    desk.click("#recommend-form button[data-action=recommend]")
    desk.wait_for_load_state()
    assert status(desk) == "recommended"

    # The programme office approves: the application is on the public notice.
    office_page = pages("office")
    office_page.goto(f"{office_page.base_url}{detail}")
    click_action(office_page, "approve")
    assert status(office_page) == "in_notice"

    # Anyone, not signed in, objects from the notice page (phone width).
    visitor = pages(None, 375)
    visitor.goto(f"{visitor.base_url}/notice/")
    assert f"notice-{application.pk}" in visitor.content()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    visitor.click(f"#notice-{application.pk} a")
    visitor.fill("#objection-form input[name=name]", "王五")
    visitor.fill("#objection-form input[name=contact]", "13800000000")
    visitor.fill("#objection-form textarea[name=text]", "出口额有误")
    visitor.click("#objection-form button[type=submit]")
    visitor.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ON_HOLD

    # The office dismisses the objection: the notice continues.
    office_page.goto(f"{office_page.base_url}{detail}")
    office_page.fill("#objections input[name=resolution]", "经核对海关数据，异议不成立")
    office_page.click("#objections button[data-action=resolve]")
    office_page.wait_for_load_state()
    assert status(office_page) == "in_notice"
    assert office_page.locator("button[data-action=final_approve]").count() == 0

    # After the notice period, final approval commits the amount on the fund.
    later = timezone.localdate() + datetime.timedelta(days=8)
    monkeypatch.setattr("waibao.applications.services.today", lambda: later)
    office_page.goto(f"{office_page.base_url}{detail}")
    click_action(office_page, "final_approve")
    assert status(office_page) == "committed"
    assert Commitment.objects.get(application=application).amount == Decimal("200000.00")

    # Finance records the payment: paid.
    cashier = pages("finance")
    cashier.goto(f"{cashier.base_url}{detail}")
    cashier.click("#pay-form button[data-action=pay]")
    cashier.wait_for_load_state()
    assert status(cashier) == "paid"
    assert Commitment.objects.get(application=application).paid == Decimal("200000.00")

    # The fund page shows the money moved; staff see the whole history on the application.
    cashier.goto(f"{cashier.base_url}/ledger/?year=2008&fund=special_fund")
    assert "200,000.00" in cashier.content()
    office_page.goto(f"{office_page.base_url}{detail}")
    assert office_page.locator("#history li").count() >= 10
