"""The views that must stay live: the plan's figures, each trainee's subsidy state, the refunds due through an
employer — each read again after the records change, through the pages."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.talent.conftest import IDS, make_programme
from tests.talent.test_claims import PDF, START, completed
from waibao.accounts.models import User
from waibao.common import personal_id
from waibao.registry.models import Zone
from waibao.talent import claims, institutions, services

pytestmark = pytest.mark.django_db


def _cell(page: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert match, row_id
    return match.group(1)


def test_plan_figures_follow_enrolment_completion_and_hire(
    routing: Any,
    institution: Any,
    trainer: User,
    office: User,
    employer_user: User,
    client_for: Callable[[User | None], Client],
) -> None:
    zone = Zone.objects.order_by("sort_order").first()
    assert zone is not None
    institutions.plan_target_set(acting_user=office, year=2009, kind="pre_job", enrolled=4, completed=2, hired=1)
    institutions.plan_target_set(
        acting_user=office, year=2009, kind="pre_job", zone=zone, enrolled=2, completed=2, hired=2
    )
    programme = make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=30), zone=zone)

    def progress() -> list[tuple[int, int, int]]:
        response = client_for(office).get("/api/v1/talent/plan?year=2009").json()
        rows = sorted(response["targets"], key=lambda t: t["zone"] is not None)
        return [(t["progress"]["enrolled"], t["progress"]["completed"], t["progress"]["hired"]) for t in rows]

    assert progress() == [(0, 0, 0), (0, 0, 0)]
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
    assert progress() == [(1, 0, 0), (1, 0, 0)]
    services.completion_record(acting_user=trainer, enrolment=enrolment, completed_on=programme.ends_on, passed=True)
    assert progress() == [(1, 1, 0), (1, 1, 0)]
    services.hire_record(
        acting_user=trainer,
        enrolment=enrolment,
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 6, 1),
        proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(PDF), name="c.pdf"),
    )
    assert progress() == [(1, 1, 0), (1, 1, 0)], "a hire counts once the employer confirms it"
    services.hire_confirm(acting_user=employer_user, enrolment=enrolment)
    assert progress() == [(1, 1, 1), (1, 1, 1)]
    page = client_for(office).get("/talent/plan/?year=2009")
    assert page.status_code == 200
    assert "100" in page.content.decode()  # the city-wide hire target of 1 is reached
    assert client_for(trainer).get("/talent/plan/").status_code in (403, 404)


def test_the_institution_sees_each_trainees_subsidy_state(
    routing: Any,
    institution: Any,
    trainer: User,
    reviewer: User,
    employer_user: User,
    client_for: Callable[[User | None], Client],
) -> None:
    programme = make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=30))
    ready = completed(trainer, programme, IDS[0])
    no_proof = completed(trainer, programme, IDS[1], name="王五", certificate=False)
    url = f"/talent/programmes/{programme.pk}/"

    def state(enrolment: Any) -> str:
        return _cell(client_for(trainer).get(url).content.decode(), f"enrolment-{enrolment.pk}")

    assert "HZ-17b" in state(ready)
    [claim] = claims.claims_generate(acting_user=trainer, programme=programme, rule_id="HZ-17b", commitment_signed=True)
    claimed = state(ready)
    assert "5,100.00" in claimed or "5100.00" in claimed
    assert f"/talent/enrolments/{ready.pk}/proof/completion/" in claimed
    assert f"/talent/enrolments/{no_proof.pk}/proof/completion/" not in state(no_proof)
    [line] = claim.talent_lines.all()
    claims.claim_line_refuse(acting_user=reviewer, line=line, reason="出勤不足")
    assert "出勤不足" in state(ready)
    # The hire: the refund waits for the employer's confirmation, then is due through the employer.
    services.confirm_hire_by_person(
        person_id_hash=personal_id.id_hash("resident_id", IDS[0]),
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 6, 1),
        proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(PDF), name="c.pdf"),
        actor=employer_user,
    )
    hires = client_for(employer_user).get("/talent/hires/").content.decode()
    assert ready.trainee.id_masked in hires and 'id="no-refunds"' not in hires
    assert "900.00" in hires  # about 15 % of the 6,000 fee
    client_for(employer_user).post(f"/talent/programmes/{programme.pk}/claim_hire/", {"commitment": "on"})
    hires = client_for(employer_user).get("/talent/hires/").content.decode()
    assert 'id="no-refunds"' in hires


def test_the_employer_attaches_a_missing_proof_of_hire_on_its_page(
    routing: Any,
    institution: Any,
    trainer: User,
    employer_user: User,
    client_for: Callable[[User | None], Client],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    programme = make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=30))
    enrolment = completed(trainer, programme, IDS[0])
    services.confirm_hire_by_person(  # as the recruitment site may record it: no file yet
        person_id_hash=enrolment.trainee.id_hash,
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 6, 1),
        actor=employer_user,
    )
    client = client_for(employer_user)
    page = client.get("/talent/hires/").content.decode()
    assert 'class="proof-missing"' in page
    client.post(f"/talent/programmes/{programme.pk}/claim_hire/", {"commitment": "on"})
    assert not employer_user.enterprise.applications.exists()  # not claimable without the proof
    response = client.post(
        f"/talent/enrolments/{enrolment.pk}/proof/",
        {
            "next": "hires",
            "kind": "hire",
            "hire_proof_kind": "social_insurance",
            "proof": SimpleUploadedFile("社保.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/talent/hires/"
    enrolment.refresh_from_db()
    assert enrolment.hire_proof_kind == "social_insurance" and enrolment.hire_proof_name == "社保.pdf"
    assert 'class="proof-missing"' not in client.get("/talent/hires/").content.decode()
    client.post(f"/talent/programmes/{programme.pk}/claim_hire/", {"commitment": "on"})
    assert employer_user.enterprise.applications.get(rule_id="HZ-17b-hire").talent_lines.count() == 1
