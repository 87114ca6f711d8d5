"""In a real browser at phone width: a job seeker registers, uploads a CV, finds a job and applies; the
enterprise shortlists and records the hire with its proof; the job seeker sees that they were hired; the job seeker
was a trainee awaiting a hire, so the hire on the site makes the 15 % refund claimable by the employer."""

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
from waibao.talent import claims

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at phone width"


TRAINEE_ID = "110101199003078515"  # valid check character, fictitious person


def _a_trainee_awaiting_hire(number: str, name: str) -> tuple[Any, Any]:
    """A graduate who completed a recognised programme (with the certificate) and waits for a hire."""
    import io
    from decimal import Decimal

    from tests.factories import TrainingInstitutionFactory, make_user
    from waibao.accounts.models import Role
    from waibao.talent import services as talent
    from waibao.talent.models import Programme, Recognition

    institution = TrainingInstitutionFactory(approved=True)
    trainer = make_user(Role.TRAINING_INSTITUTION, username="trainer", training_institution=institution)
    start = datetime.date.today() - datetime.timedelta(days=60)
    programme = Programme.objects.create(
        institution=institution,
        name_zh="Java 岗前培训",
        kind="pre_job",
        fee_cny=Decimal("6000.00"),
        capacity=10,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=30),
        hours=200,
        recognition=Recognition.RECOGNISED,
    )
    enrolment = talent.enrol(
        acting_user=trainer,
        programme=programme,
        name=name,
        id_type="resident_id",
        id_number=number,
        category="fresh_graduate",
        graduation_date=start - datetime.timedelta(days=30),
        enrolled_on=start,
    )
    enrolment = talent.completion_record(
        acting_user=trainer,
        enrolment=enrolment,
        completed_on=programme.ends_on,
        passed=True,
        certificate=talent.ProofFile(stream=io.BytesIO(PDF), name="结业证书.pdf"),
    )
    return programme, enrolment


def test_a_job_seeker_applies_and_is_hired(
    browser: Any, live_server: Any, dataset: Any, office: User, settings: Any, tmp_path: Path
) -> None:
    from tests.factories import EnterpriseFactory, make_user
    from waibao.accounts.models import Role
    from waibao.registry.models import Zone

    settings.MEDIA_ROOT = str(tmp_path / "media")
    from waibao.applications.dataset import load_routing_dataset

    load_routing_dataset(dataset)
    trainee_programme, enrolment = _a_trainee_awaiting_hire(TRAINEE_ID, "王小明")
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
    # The seeker gives the identity number in the profile, so a hire can be matched to the trainee they were.
    page.fill("input[name=id_number]", TRAINEE_ID)
    page.click("#save-profile")
    page.wait_for_load_state()
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

    # The hire on the site is the trainee's hire: the 15 % refund (HZ-17b-hire) is now claimable by the employer.
    enrolment.refresh_from_db()
    assert enrolment.hired and enrolment.employer_id == employer.enterprise_id
    assert enrolment.hire_proof_name == "劳动合同.pdf"
    [refund] = claims.claims_generate(
        acting_user=employer, programme=trainee_programme, rule_id="HZ-17b-hire", commitment_signed=True
    )
    assert refund.calculated_amount_cny == trainee_programme.fee_cny * 15 / 100
    seeker_context.close()
    employer_context.close()
