"""In a real browser: sign in, search the registry, switch language, download the Excel export, verify."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login
from tests.factories import EnterpriseFactory
from waibao.accounts.models import User
from waibao.registry.models import Enterprise, EnterpriseStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_searches_switches_language_exports_and_verifies(browser_page: Any, office: User) -> None:
    page = browser_page
    target = EnterpriseFactory(name_zh="杭州浏览器测试软件有限公司", name_en="Browser Test Software")
    for i in range(30):
        EnterpriseFactory(name_zh=f"杭州其他公司{i}")

    login(page, "office", "Correct-Horse-9")
    page.goto(f"{page.base_url}/registry/enterprises/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("input[name=q]", "浏览器测试")
    page.click("form[role=search] button[type=submit]")
    rows = page.locator("#enterprise-table tbody tr")
    assert rows.count() == 1
    assert "杭州浏览器测试软件有限公司" in rows.first.inner_text()

    # Switch to English: the same search stays on screen, now in English.
    page.click("form.lang-form button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Browser Test Software" in page.locator("#enterprise-table").inner_text()
    assert page.locator("h1").inner_text() == "Enterprises"

    # Export the filtered list: a job, whose page offers the file.
    page.click("#export-link")
    page.wait_for_load_state()
    with page.expect_download() as info:
        page.click("#job-download")
    download = info.value
    assert download.suggested_filename == "enterprises.xlsx"
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    rows_xlsx = list(sheet.iter_rows(values_only=True))
    assert len(rows_xlsx) == 2 and rows_xlsx[1][0] == target.credit_code
    page.go_back()  # from the job's page to the filtered list
    page.wait_for_load_state()

    # Open the enterprise and verify it.
    page.click("#enterprise-table tbody a")
    page.click("button[data-action=verify]")
    page.wait_for_load_state()
    assert "Verified" in page.locator("#status-badge").inner_text()
    assert Enterprise.objects.get(pk=target.pk).status == EnterpriseStatus.VERIFIED


def test_registration_page_at_phone_width(browser: Any, live_server: Any, dataset: object) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/register/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide at phone width"
    context.close()
