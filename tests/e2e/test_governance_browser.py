"""In a real browser: the duty matrix (filter, export, print stylesheet) and a meeting from agenda to minutes."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.conftest import login
from waibao.accounts.models import User
from waibao.governance.dataset import load_group_dataset
from waibao.governance.models import Duty, Meeting, MeetingStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_duty_matrix_filters_and_exports(browser_page: Any, office: User, work_calendar: Path) -> None:
    page = browser_page
    login(page, "office", "Correct-Horse-9")
    page.goto(f"{page.base_url}/governance/duties/")
    matrix = page.locator("#duty-matrix")
    assert "市贸工局" in matrix.inner_text()
    page.select_option("select[name=department]", "finance")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#duty-list tbody tr")
    assert rows.count() == Duty.objects.filter(department__code="finance").count()
    assert "SZ-2.1" in rows.first.inner_text()
    with page.expect_download() as info:
        page.click("text=导出 Excel")
    with open(info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["SZ-2.1", "SZ-2.2"]
    # Printed on one A4 landscape page: the print stylesheet hides the navigation.
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden()
    assert page.locator("#duty-matrix").is_visible()


def test_a_meeting_from_agenda_to_published_minutes(
    browser_page: Any, office: User, dataset: Path, work_calendar: Path
) -> None:
    load_group_dataset(dataset)
    page = browser_page
    login(page, "office", "Correct-Horse-9")
    page.goto(f"{page.base_url}/governance/meetings/")
    starts = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("input[name=code]", "2026-9")
    page.fill("input[name=title]", "浏览器测试会议")
    page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "浏览器测试会议" in page.locator("h1").inner_text()
    page.click("#agenda summary")
    page.fill("#agenda input[name=title]", "统计工作进展")
    page.click("#agenda form button[type=submit]")
    page.wait_for_load_state()
    assert "统计工作进展" in page.locator("#agenda").inner_text()
    page.click("button:has-text('记录为已召开')")
    page.wait_for_load_state()
    page.fill("#minutes textarea[name=minutes]", "会议研究了统计工作。")
    page.click("#minutes button[type=submit]")
    page.wait_for_load_state()
    page.click("#decisions summary")
    page.fill("#decisions textarea[name=text]", "完成统计人员配备")
    page.select_option("#decisions select[name=owner]", label="市贸工局")
    page.fill("#decisions input[name=deadline]", "2026-12-30")
    page.click("#decisions form button[type=submit]")
    page.wait_for_load_state()
    assert "LG-2026-9.1" in page.locator("#decisions").inner_text()
    for label in ("传阅纪要征求意见", "审定纪要", "内部印发纪要"):
        page.click(f"button:has-text('{label}')")
        page.wait_for_load_state()
    assert Meeting.objects.get(code="2026-9").status == MeetingStatus.PUBLISHED
    page.click("text=会议纪要（可打印）")
    page.wait_for_load_state()
    printed = page.locator("article.minutes-print").inner_text()
    assert "会议研究了统计工作。" in printed and "完成统计人员配备" in printed
