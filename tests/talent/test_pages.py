"""The training pages through HTTP: the access matrix (every role × object kind), the trainee's path, masking."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories import TrainingInstitutionFactory, make_user
from tests.talent.conftest import IDS, make_programme
from waibao.accounts.models import Role, User
from waibao.talent import claims, services
from waibao.talent.models import DuplicateRefusal, Enrolment, Programme, Recognition

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]
START = datetime.date(2009, 3, 2)


@pytest.fixture
def world(routing: Any, institution: Any, trainer: User, employer_user: User) -> dict[str, Any]:
    programme = make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=60))
    enrolment = services.enrol(
        acting_user=trainer,
        programme=programme,
        name="李四",
        id_type="resident_id",
        id_number=IDS[0],
        category="fresh_graduate",
        graduation_date=datetime.date(2008, 6, 30),
        enrolled_on=START,
    )
    services.completion_record(
        acting_user=trainer,
        enrolment=enrolment,
        completed_on=programme.ends_on,
        passed=True,
        certificate=services.ProofFile(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="done.pdf"),
    )
    services.hire_record(
        acting_user=trainer,
        enrolment=enrolment,
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 6, 1),
        proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="c.pdf"),
    )
    [claim] = claims.claims_generate(acting_user=trainer, programme=programme, rule_id="HZ-17b", commitment_signed=True)
    other = TrainingInstitutionFactory(approved=True)
    other_programme = make_programme(other, name_zh="别家项目")
    return {"programme": programme, "enrolment": enrolment, "claim": claim, "other_programme": other_programme}


def users(trainer: User, employer_user: User, office: User, reviewer: User, finance: User) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "office": office,
        "reviewer": reviewer,
        "finance": finance,
        "leader": make_user(Role.CITY_LEADER, username="leader"),
        "trainer": trainer,
        "other_trainer": make_user(Role.TRAINING_INSTITUTION, username="other-trainer"),
        "employer": employer_user,
        "other_enterprise": make_user(Role.ENTERPRISE, username="ent-other"),
    }


# Expected status per page and role (302: anonymous goes to sign in).
MATRIX: dict[str, dict[str, int]] = {
    "programme": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 403,
        "trainer": 200,
        "other_trainer": 404,
        "employer": 200,
        "other_enterprise": 404,
    },
    "other_programme": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 403,
        "trainer": 404,
        "other_trainer": 404,
        "employer": 404,
        "other_enterprise": 404,
    },
    "programmes": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 403,
        "trainer": 200,
        "other_trainer": 200,
        "employer": 200,
        "other_enterprise": 200,
    },
    "claim": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 403,
        "trainer": 200,
        "other_trainer": 404,
        "employer": 404,
        "other_enterprise": 404,
    },
    "plan": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 200,
        "trainer": 403,
        "other_trainer": 403,
        "employer": 403,
        "other_enterprise": 403,
    },
    "bases": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 200,
        "trainer": 403,
        "other_trainer": 403,
        "employer": 403,
        "other_enterprise": 403,
    },
    "approvals": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 403,
        "trainer": 200,
        "other_trainer": 200,
        "employer": 403,
        "other_enterprise": 403,
    },
    "refusals": {
        "office": 200,
        "reviewer": 200,
        "finance": 403,
        "leader": 403,
        "trainer": 403,
        "other_trainer": 403,
        "employer": 403,
        "other_enterprise": 403,
    },
    "hires": {
        "office": 403,
        "reviewer": 403,
        "finance": 403,
        "leader": 403,
        "trainer": 403,
        "other_trainer": 403,
        "employer": 200,
        "other_enterprise": 200,
    },
}


def url_of(page: str, world: dict[str, Any]) -> str:
    return {
        "programme": f"/talent/programmes/{world['programme'].pk}/",
        "other_programme": f"/talent/programmes/{world['other_programme'].pk}/",
        "programmes": "/talent/programmes/",
        "claim": f"/talent/claims/{world['claim'].pk}/",
        "plan": "/talent/plan/",
        "bases": "/talent/bases/",
        "approvals": "/talent/approvals/",
        "refusals": "/talent/refusals/",
        "hires": "/talent/hires/",
    }[page]


def test_access_matrix(
    world: dict[str, Any],
    client_for: ClientFor,
    trainer: User,
    employer_user: User,
    office: User,
    reviewer: User,
    finance: User,
) -> None:
    people = users(trainer, employer_user, office, reviewer, finance)
    failures = []
    for page, expected in MATRIX.items():
        url = url_of(page, world)
        for who, user in people.items():
            want = 302 if user is None else expected[who]
            got = client_for(user).get(url).status_code
            if got != want:
                failures.append(f"{page} as {who}: {got}, expected {want}")
    assert not failures, "\n".join(failures)


def test_pages_never_show_a_whole_identity_number(
    world: dict[str, Any],
    client_for: ClientFor,
    trainer: User,
    employer_user: User,
    office: User,
    reviewer: User,
    finance: User,
) -> None:
    people = users(trainer, employer_user, office, reviewer, finance)
    for page in MATRIX:
        for user in people.values():
            response = client_for(user).get(url_of(page, world))
            assert IDS[0] not in response.content.decode()
    page = client_for(trainer).get(url_of("programme", world)).content.decode()
    assert world["enrolment"].trainee.id_masked in page
    assert IDS[0] not in client_for(trainer).get(url_of("programme", world) + "?format=xlsx").content.decode("latin-1")


def test_enrol_through_the_page_and_the_duplicate_refusal_is_shown_to_the_office(
    world: dict[str, Any], client_for: ClientFor, trainer: User, office: User
) -> None:
    other = TrainingInstitutionFactory(approved=True, name_zh="第二学校")
    other_trainer = make_user(Role.TRAINING_INSTITUTION, username="t2", training_institution=other)
    second = make_programme(other, starts_on=START + datetime.timedelta(days=100), ends_on=datetime.date(2099, 1, 1))
    response = client_for(other_trainer).post(
        f"/talent/programmes/{second.pk}/enrol/",
        {
            "name": "李四",
            "id_type": "resident_id",
            "id_number": IDS[0],
            "category": "fresh_graduate",
            "graduation_date": "2008-06-30",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "杭州外包培训学院" in response.content.decode()  # the reason names where the person is subsidised
    assert not second.enrolments.exists() and DuplicateRefusal.objects.count() == 1
    office_page = client_for(office).get("/talent/refusals/").content.decode()
    assert world["enrolment"].trainee.id_masked in office_page and IDS[0] not in office_page
    ok = client_for(other_trainer).post(
        f"/talent/programmes/{second.pk}/enrol/",
        {
            "name": "王五",
            "id_type": "resident_id",
            "id_number": IDS[1],
            "category": "fresh_graduate",
            "graduation_date": "2008-06-30",
        },
    )
    assert ok.status_code == 302 and second.enrolments.count() == 1


def test_unrecognised_programme_tells_that_no_subsidy_follows(
    routing: Any, institution: Any, trainer: User, client_for: ClientFor
) -> None:
    programme = make_programme(institution, recognition=Recognition.NOT_RECOGNISED, ends_on=datetime.date(2099, 1, 1))
    response = client_for(trainer).post(
        f"/talent/programmes/{programme.pk}/enrol/",
        {"name": "王五", "id_type": "resident_id", "id_number": IDS[1], "category": "new_employee"},
        follow=True,
    )
    page = response.content.decode()
    assert Enrolment.objects.filter(programme=programme).count() == 1
    assert 'id="no-subsidy"' in page


def test_recognition_requested_then_decided_before_start(
    routing: Any, institution: Any, trainer: User, reviewer: User, client_for: ClientFor
) -> None:
    future = datetime.date.today() + datetime.timedelta(days=30)
    programme = make_programme(
        institution, recognition=Recognition.DRAFT, starts_on=future, ends_on=future + datetime.timedelta(days=20)
    )
    client_for(trainer).post(f"/talent/programmes/{programme.pk}/request_recognition/")
    programme.refresh_from_db()
    assert programme.recognition == Recognition.REQUESTED
    assert client_for(trainer).post(f"/talent/programmes/{programme.pk}/recognise/").status_code == 302
    programme.refresh_from_db()
    assert programme.recognition == Recognition.REQUESTED  # the institution cannot recognise its own programme
    client_for(reviewer).post(f"/talent/programmes/{programme.pk}/recognise/")
    programme.refresh_from_db()
    assert programme.recognition == Recognition.RECOGNISED


def test_employer_confirms_hire_and_claims_refund(
    world: dict[str, Any], client_for: ClientFor, employer_user: User
) -> None:
    enrolment = world["enrolment"]
    page = client_for(employer_user).get("/talent/hires/").content.decode()
    assert enrolment.trainee.id_masked in page and 'id="no-refunds"' in page
    client_for(employer_user).post(f"/talent/enrolments/{enrolment.pk}/confirm_hire/", {"next": "hires"})
    enrolment.refresh_from_db()
    assert enrolment.hired
    client_for(employer_user).post(f"/talent/programmes/{world['programme'].pk}/claim_hire/", {"commitment": "on"})
    claim = employer_user.enterprise.applications.get(rule_id="HZ-17b-hire")
    assert claim.calculated_amount_cny == world["programme"].fee_cny * 15 / 100


def test_reviewer_refuses_one_line_through_the_page(
    world: dict[str, Any], client_for: ClientFor, reviewer: User
) -> None:
    claim = world["claim"]
    line = claim.talent_lines.get()
    response = client_for(reviewer).post(
        f"/talent/claims/{claim.pk}/lines/{line.pk}/refuse/", {"reason": "出勤不足"}, follow=True
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.status == "refused" and line.reason == "出勤不足"
    assert isinstance(Programme.objects.first(), Programme)


def test_the_programme_list_shows_fifty_programmes_a_page(
    institution: Any, office: User, client_for: ClientFor
) -> None:
    made = [
        make_programme(institution, name_zh=f"项目{i:02d}", starts_on=START + datetime.timedelta(days=i))
        for i in range(55)
    ]
    client = client_for(office)
    first = client.get("/talent/programmes/").content.decode()
    second = client.get("/talent/programmes/?page=2").content.decode()
    assert (
        first.count('<td><a href="/talent/programmes/') == 50 and second.count('<td><a href="/talent/programmes/') == 5
    )
    assert "项目54" in first and "项目00" in second  # the latest start first
    assert "?page=2" in first and "?page=1" in second
    assert {p.pk for p in made} == {p.pk for p in made if f'href="/talent/programmes/{p.pk}/"' in first + second}


def test_the_programme_list_rows_from_plain_values(institution: Any, office: User, client_for: ClientFor) -> None:
    """A row shows the programme (escaped, in the active language) linked to its page, its institution, its type
    with the employer of customised training, the dates, the fee, enrolled of capacity and the recognition."""
    from tests.factories import EnterpriseFactory
    from waibao.talent.models import ProgrammeKind

    employer = EnterpriseFactory(name_zh="雇主<公司>", name_en="Employer & Co")
    made = make_programme(
        institution, name_zh="定制<班>", name_en="Custom class", kind=ProgrammeKind.CUSTOMISED, employer=employer,
        starts_on=START, ends_on=START + datetime.timedelta(days=9), fee_cny="1234.5",
        recognition=Recognition.REQUESTED,
    )  # fmt: skip
    client = client_for(office)
    page = client.get("/talent/programmes/").content.decode()
    assert f'<td><a href="/talent/programmes/{made.pk}/" translate="no">定制&lt;班&gt;</a></td>' in page
    assert f'<td translate="no">{institution.name_zh}</td>' in page
    assert f'{ProgrammeKind.CUSTOMISED.label} · <span translate="no">雇主&lt;公司&gt;</span>' in page
    assert "<td>2009-03-02 – 2009-03-11</td>" in page and '<td class="num">1,234.50</td>' in page
    assert '<td class="num">0 / 30</td>' in page
    assert f'<span class="badge requested">{Recognition.REQUESTED.label}</span>' in page
    english = client.get("/talent/programmes/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'translate="no">Custom class</a>' in english and "Employer &amp; Co" in english


def test_the_programme_list_counts_each_programmes_trainees_and_those_waiting_for_recognition(
    institution: Any, trainer: User, office: User, client_for: ClientFor
) -> None:
    """Enrolled counts every trainee but the withdrawn, completed only the completed, each programme its own; the
    office sees how many programmes wait for recognition (counted with the list's total in one query)."""
    from tests.talent.test_query_counts import person_id

    full = make_programme(institution, name_zh="满班", starts_on=START, ends_on=START + datetime.timedelta(days=9))
    other = make_programme(institution, name_zh="另一个班", starts_on=START, recognition=Recognition.REQUESTED)
    make_programme(institution, name_zh="空班", starts_on=START, recognition=Recognition.REQUESTED)

    def enrol(programme: Programme, n: int) -> Enrolment:
        return services.enrol(
            acting_user=trainer, programme=programme, name=f"学员{n}", id_type="resident_id",
            id_number=person_id(n), category="new_employee", enrolled_on=START,
        )  # fmt: skip

    kept, done, gone = enrol(full, 1), enrol(full, 2), enrol(full, 3)
    services.completion_record(acting_user=trainer, enrolment=done, completed_on=full.ends_on)
    services.enrolment_withdraw(acting_user=trainer, enrolment=gone, reason="退学")
    enrol(other, 4)
    assert kept.status == "enrolled"
    page = client_for(office).get("/talent/programmes/").content.decode()

    def counts(programme: Programme) -> str:
        row = page[page.index(f'href="/talent/programmes/{programme.pk}/"') :]
        return row[row.index('<td class="num">', row.index('<td class="num">') + 1) : row.index("</tr>")]

    assert '<td class="num">2 / 30</td><td class="num">1</td>' in counts(full)
    assert '<td class="num">1 / 30</td><td class="num">0</td>' in counts(other)
    assert 'id="waiting-recognition"' in page and "2" in page.split('id="waiting-recognition">')[1].split("<")[0]
    assert 'id="waiting-recognition"' not in client_for(trainer).get("/talent/programmes/").content.decode()


def test_the_talent_nav_follows_the_readers_role(
    routing: Any, trainer: User, employer_user: User, office: User, client_for: ClientFor
) -> None:
    """The pages' nav is rendered once per role and language (`{% memo %}`): each role sees its own links, whoever
    came first."""

    def nav(user: User) -> str:
        page = client_for(user).get("/talent/programmes/").content.decode()
        return page[page.index('id="talent-nav"') :].split("</p>")[0]

    for _round in range(2):
        office_nav, trainer_nav, employer_nav = nav(office), nav(trainer), nav(employer_user)
        assert "/talent/plan/" in office_nav and "/talent/refusals/" in office_nav
        assert "/talent/hires/" not in office_nav
        assert "/talent/approvals/" in trainer_nav and "/talent/plan/" not in trainer_nav
        assert "/talent/hires/" in employer_nav and "/talent/approvals/" not in employer_nav
