"""In a real browser: the investment-promotion board moves a card column by column, shows the refusal of
"operating" without approved statistics, and works at phone width (columns stacked, nothing wider than the screen)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.governance.models import Department
from waibao.promotion import services
from waibao.promotion.models import Project
from waibao.registry.models import Enterprise, Zone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _project(office: User, title: str) -> Project:
    return services.project_create(
        acting_user=office,
        title=title,
        investor_name="Acme Software Inc.",
        investor_country="US",
        project_type="new_enterprise",
        currency="USD",
        amount=Decimal("5000000"),
        zone=Zone.objects.order_by("sort_order").first(),  # type: ignore[arg-type]
        department=Department.objects.get(code="trade-industry"),
        on=datetime.date(2007, 1, 5),
    )


def _column_of(page: Any, project: Project) -> str:
    card = page.locator(f"article[data-project='{project.pk}']")
    return str(card.evaluate("el => el.closest('section').dataset.stage"))


def test_a_card_moves_across_the_board_and_operating_needs_statistics(
    browser_page: Any, office: User, work_calendar: Path
) -> None:
    from tests.factories import EnterpriseFactory

    project = _project(office, "看板测试项目")
    page = browser_page
    login(page, "office", "Correct-Horse-9")
    page.goto(f"{page.base_url}/promotion/")
    assert _column_of(page, project) == "lead"
    card = page.locator(f"article[data-project='{project.pk}']")
    for button, stage in (("已初步接触", "contact"), ("开始洽谈", "negotiation"), ("登记为已签约", "signed")):
        card.locator(f"button:has-text('{button}')").click()
        page.wait_for_load_state()
        assert _column_of(page, project) == stage
        assert "现处于阶段" in page.locator(".messages").inner_text()
    # Registration needs the credit code: the project page's form.
    enterprise: Enterprise = EnterpriseFactory()
    page.click(f"article[data-project='{project.pk}'] a.title")
    page.select_option("#id_action", "register")
    page.fill("#id_credit_code", enterprise.credit_code)
    page.click("#move-form button[type=submit]")
    page.wait_for_load_state()
    assert "注册" in page.locator("#stage").inner_text()
    page.goto(f"{page.base_url}/promotion/")
    page.locator(f"article[data-project='{project.pk}'] button:has-text('登记资金到位')").click()
    page.wait_for_load_state()
    assert _column_of(page, project) == "capital_arrived"
    # "Operating" on the project's own word is refused, with the reason shown.
    page.locator(f"article[data-project='{project.pk}'] button:has-text('确认投产运营')").click()
    page.wait_for_load_state()
    assert "经核准的统计数据" in page.locator(".messages").inner_text()
    assert _column_of(page, project) == "capital_arrived"
    assert Project.objects.get(pk=project.pk).stage == "capital_arrived"


def test_the_board_at_phone_width(browser: Any, live_server: Any, office: User, work_calendar: Path) -> None:
    project = _project(office, "手机看板项目")
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        login(page, "office", "Correct-Horse-9")
        page.goto(f"{live_server.url}/promotion/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
        columns = page.locator(".kanban-column")
        assert columns.count() == 8
        first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
        assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 2  # stacked, not side by side
        page.locator(f"article[data-project='{project.pk}'] button:has-text('已初步接触')").click()
        page.wait_for_load_state()
        assert _column_of(page, project) == "contact"
        page.goto(f"{live_server.url}/promotion/list/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    finally:
        context.close()
