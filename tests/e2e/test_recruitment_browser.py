"""In a real browser at phone width: a job seeker registers, uploads a CV, finds a job and applies; the
enterprise shortlists and records the hire with its proof; the job seeker sees that they were hired."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import login
from tests.recruitment.conftest import PDF, fields
from waibao.accounts.models import User
from waibao.recruitment import services
from waibao.recruitment.models import Candidacy, CandidacyStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at phone width"


def test_a_job_seeker_applies_and_is_hired(
    browser: Any, live_server: Any, dataset: Any, office: User, settings: Any, tmp_path: Path
) -> None:
    from tests.factories import EnterpriseFactory, make_user
    from waibao.accounts.models import Role
    from waibao.registry.models import Zone

    settings.MEDIA_ROOT = str(tmp_path / "media")
    employer = make_user(
        Role.ENTERPRISE,
        username="hr",
        enterprise=EnterpriseFactory(status="recognised", zone=Zone.objects.get(code="htz")),
    )
    posting = services.posting_save(acting_user=employer, fields=fields(title="对日 Java 工程师"))
    services.posting_transition(acting_user=employer, posting=posting, action="submit")
    services.posting_transition(acting_user=office, posting=posting, action="publish")
    services.posting_save(acting_user=employer, fields=fields(title="英语客服", languages=["en"]))
    cv = tmp_path / "我的简历.pdf"
    cv.write_bytes(PDF)
    proof = tmp_path / "劳动合同.pdf"
    proof.write_bytes(PDF)

    # The job seeker, on a phone.
    seeker_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = seeker_context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/careers/register/")
    _fits(page)
    page.fill("input[name=full_name]", "王小明")
    page.fill("input[name=email]", "xm@example.com")
    page.fill("input[name=username]", "xiaoming")
    page.fill("input[name=password]", "Correct-Horse-9")
    page.fill("input[name=password_again]", "Correct-Horse-9")
    page.click("#seeker-register button[type=submit]")
    page.wait_for_url("**/careers/me/")
    _fits(page)
    page.set_input_files("input[name=cv]", str(cv))
    page.click("#upload-cv")
    page.wait_for_load_state()
    assert "我的简历.pdf" in page.locator("#cv").inner_text()

    page.goto(f"{live_server.url}/careers/")
    _fits(page)
    page.click("details.filter-box summary")
    page.select_option("select[name=language]", "ja")
    page.click("#job-search button[type=submit]")
    page.wait_for_load_state()
    cards = page.locator("#postings .job-card")
    assert cards.count() == 1 and "对日 Java 工程师" in cards.first.inner_text()
    cards.first.locator("a").first.click()
    page.wait_for_load_state()
    _fits(page)
    assert page.locator("script#jobposting-jsonld").count() == 1
    assert not [m for m in console if "Content Security Policy" in m], "the JSON-LD block is allowed by the CSP"
    page.fill("textarea[name=letter]", "我有日语 N2 证书。")
    page.click("#apply-button")
    page.wait_for_url("**/careers/applications/*/")
    assert "已投递" in page.locator("#candidacy-status").inner_text()

    # The enterprise shortlists and records the hire.
    employer_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    hr = employer_context.new_page()
    hr.set_default_timeout(15_000)
    hr.base_url = live_server.url
    login(hr, "hr", "Correct-Horse-9")
    hr.goto(f"{live_server.url}/careers/mine/")
    _fits(hr)
    hr.locator("#my-postings tr", has_text="对日 Java 工程师").locator("a[href$='/applicants/']").click()
    hr.wait_for_load_state()
    assert "王小明" in hr.locator("#applicants").inner_text()
    hr.click("#applicants button[value=shortlist]")
    hr.wait_for_load_state()
    assert "已入围" in hr.locator("#applicants").inner_text()
    hr.click("#applicants a.btn")
    hr.wait_for_load_state()
    _fits(hr)
    hr.fill("input[name=contract_date]", datetime.date.today().isoformat())
    hr.select_option("select[name=proof_kind]", "labour_contract")
    hr.set_input_files("input[name=proof]", str(proof))
    hr.click("#record-hire")
    hr.wait_for_load_state()
    assert "已录用" in hr.locator("#candidacy-status").inner_text()
    candidacy = Candidacy.objects.get()
    assert candidacy.status == CandidacyStatus.HIRED and candidacy.proof_name == "劳动合同.pdf"

    # The job seeker sees it.
    page.goto(f"{live_server.url}/careers/me/")
    assert "已录用" in page.locator("#my-candidacies").inner_text()
    seeker_context.close()
    employer_context.close()
