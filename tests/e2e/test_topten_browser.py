"""In a real browser: the office runs the top-ten selection, puts it to notice and publishes the final list; the
public reads the published list (scores per criterion, weights, sources) at phone width, in both languages."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import login
from tests.factories import EnterpriseFactory
from tests.topten.conftest import YEAR, add_figures
from waibao.accounts.models import User
from waibao.topten.models import RunStatus, SelectionRun

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_publishes_and_the_public_reads_the_top_ten(
    browser_page: Any, browser: Any, office: User, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("load_defaults", dataset=Path(settings.WAIBAO_DEFAULT_DATASET), stdout=io.StringIO())
    names = []
    for i in range(12):
        e = EnterpriseFactory(status="recognised", employees=100 + i)
        add_figures(e, executed=1_000_000 * (12 - i), taxes=40_000 * (12 - i), rd=10_000 * (12 - i), patents=12 - i,
                    graduates=30 + i)  # fmt: skip
        names.append(e.name_zh)
    page = browser_page
    login(page, "office", "Correct-Horse-9")
    page.goto(f"{page.base_url}/topten/runs/")
    page.fill("input[name=year]", str(YEAR))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#default-method").is_visible()
    assert names[0] in page.locator("#ranking tbody tr").first.inner_text()
    page.click("#open-notice")
    page.wait_for_load_state()
    assert page.locator("#notice-places tbody tr").count() == 10
    # The notice period passes.
    later = timezone.localdate() + datetime.timedelta(days=8)
    monkeypatch.setattr("waibao.applications.services.today", lambda: later)
    page.click("#publish")
    page.wait_for_load_state()
    run = SelectionRun.objects.get()
    assert run.status == RunStatus.PUBLISHED

    # The public, on a phone.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    public = context.new_page()
    public.set_default_timeout(15_000)
    public.goto(f"{page.base_url}/topten/")
    public.click(f"a[href='/topten/{run.pk}/']")
    public.wait_for_load_state()
    rows = public.locator("#final-list tbody tr")
    assert rows.count() == 10
    assert names[0] in rows.first.inner_text()
    assert "经营规模" in public.locator("#final-list thead").inner_text()
    assert "企业名录" in public.locator("#weights").inner_text()  # the source of the registry indicator
    assert public.locator("#default-method").is_visible()
    # Nothing wider than the phone: the table scrolls inside its own box.
    width = public.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    # In English.
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base_url}])
    public.goto(f"{page.base_url}/topten/{run.pk}/")
    assert "Operating scale" in public.locator("#final-list thead").inner_text()
    assert "Top ten of 2008" in public.locator("h1").inner_text()
    context.close()
