"""In a real browser: an enterprise files a difficulty, the office assigns it, the department asks for a document
(the clock stops), the enterprise answers, the department replies, the enterprise rates it bad: rectification."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.casework.conftest import casework, dept_user  # noqa: F401
from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.casework.models import Case, CaseStatus, Rating

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("casework")]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def pages(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def open_as(username: str, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        login(page, username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def act(page: Any, action: str, text: str = "", **selects: str) -> None:
    form = page.locator(f"form[data-action={action}]")
    for name, value in selects.items():
        form.locator(f"select[name={name}]").select_option(value)
    if text:
        form.locator("textarea[name=text]").fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_difficulty_from_filing_to_rectification(
    pages: Callable[..., Any], office: User, enterprise_user: User
) -> None:
    dept_user("hi-tech-office", "hitech")
    ent = pages("ent", width=390)  # the enterprise on a phone
    ent.goto(f"{ent.base_url}/cases/")
    ent.click("#file-types a:has-text('困难协调')")
    ent.wait_for_load_state()
    ent.select_option("select[name=category]", "power")
    ent.fill("input[name=title]", "园区夜间停电")
    ent.fill("textarea[name=body]", "三号楼一周内三次夜间停电。")
    ent.fill("input[name=contact_name]", "张三")
    ent.fill("input[name=contact_email]", "zs@example.com")
    ent.click("#case-file-form button[type=submit]")
    ent.wait_for_load_state()
    case = Case.objects.get()
    assert case.number in ent.locator("h1").inner_text()
    assert ent.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling on a phone

    off = pages("office")
    off.goto(f"{off.base_url}/cases/{case.number}/")
    act(off, "assign", department="hi-tech-office")
    assert Case.objects.get().status == CaseStatus.ASSIGNED

    dep = pages("hitech")
    dep.goto(f"{dep.base_url}/cases/workbench/")
    assert case.number in dep.locator("#case-queue").inner_text()
    dep.click(f"#case-queue a:has-text('{case.number}')")
    dep.wait_for_load_state()
    act(dep, "ask_requester", "请提供供电合同。")
    resolution = dep.locator("#case-limits tr[data-limit=resolution] .badge")
    assert resolution.inner_text() == "计时暂停"  # the clock stops
    # asking the requester is the first response: met on the same day
    assert dep.locator("#case-limits tr[data-limit=first_response] .badge").inner_text() == "按时完成"

    ent.goto(f"{ent.base_url}/cases/{case.number}/")
    assert "请提供供电合同。" in ent.locator("#case-thread").inner_text()
    act(ent, "requester_answer", "合同已通过邮件发送。")
    dep.goto(f"{dep.base_url}/cases/{case.number}/")
    act(dep, "answer", "已协调供电局，增设备用线路。", outcome="solved")
    assert Case.objects.get().status == CaseStatus.ANSWERED

    ent.goto(f"{ent.base_url}/cases/{case.number}/")
    assert "已协调供电局" in ent.locator("#case-thread").inner_text()
    ent.select_option("#rate-form select[name=grade]", "dissatisfied")
    ent.click("#rate-form button[type=submit]")
    ent.wait_for_load_state()
    assert ent.locator("#rectification").get_attribute("data-state") == "open"
    rating = Rating.objects.get()
    assert rating.bad and rating.rectification == "open"

    # the department calls the requester back and records the callback: the rectification closes
    dep.goto(f"{dep.base_url}/cases/{case.number}/")
    dep.select_option("#callback-form select[name=channel]", "phone")
    dep.select_option("#callback-form select[name=satisfied]", "yes")
    dep.fill("#callback-form textarea[name=note]", "已增设备用线路，企业表示满意。")
    dep.click("#callback-form button[type=submit]")
    dep.wait_for_load_state()
    assert dep.locator("#rectification").get_attribute("data-state") == "done"
    assert "已增设备用线路" in dep.locator("#case-callback").inner_text()
    rating.refresh_from_db()
    assert rating.rectification == "done" and rating.callback.satisfied is True
