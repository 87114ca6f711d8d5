"""The training list pages run a fixed number of queries, whatever the number of trainees, claims and hires."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.talent.conftest import make_programme
from waibao.accounts.models import User
from waibao.common import personal_id
from waibao.talent import claims, services

pytestmark = pytest.mark.django_db
START = datetime.date(2009, 3, 2)


def person_id(n: int) -> str:
    first17 = f"3301061990{1 + n // 28:02d}{1 + n % 28:02d}{100 + n:03d}"
    return first17 + personal_id.resident_id_check_character(first17)


def add_trainees(programme: Any, trainer: User, employer_user: User, start: int, count: int) -> None:
    for i in range(start, start + count):
        e = services.enrol(
            acting_user=trainer,
            programme=programme,
            name=f"学员{i}",
            id_type="resident_id",
            id_number=person_id(i),
            category="fresh_graduate",
            graduation_date=datetime.date(2008, 6, 30),
            enrolled_on=START,
        )
        services.completion_record(
            acting_user=trainer,
            enrolment=e,
            completed_on=programme.ends_on,
            passed=True,
            certificate=services.ProofFile(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="done.pdf"),
        )
        services.confirm_hire_by_person(
            person_id_hash=e.trainee.id_hash,
            employer=employer_user.enterprise,
            contract_date=datetime.date(2009, 6, 1),
            proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="c.pdf"),
            actor=employer_user,
        )
    claims.claims_generate(acting_user=trainer, programme=programme, rule_id="HZ-17b", commitment_signed=True)


def test_query_counts_do_not_grow(
    routing: Any,
    institution: Any,
    trainer: User,
    employer_user: User,
    office: User,
    client_for: Callable[[User | None], Client],
) -> None:
    programme = make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=30))
    add_trainees(programme, trainer, employer_user, 0, 2)
    pages = [
        (trainer, "/talent/programmes/"),
        (trainer, f"/talent/programmes/{programme.pk}/"),
        (office, "/talent/programmes/"),
        (office, f"/talent/programmes/{programme.pk}/"),
        (employer_user, "/talent/hires/"),
        (office, "/talent/plan/?year=2009"),
        (office, "/talent/refusals/"),
    ]
    claim = programme.enrolments.first().claim_lines.first().application  # type: ignore[union-attr]
    pages.append((office, f"/talent/claims/{claim.pk}/"))

    def measure() -> list[int]:
        found = []
        for user, url in pages:
            client = client_for(user)
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = measure()
    add_trainees(programme, trainer, employer_user, 2, 6)
    second = make_programme(institution, starts_on=START, ends_on=START, name_zh="第二个项目")
    add_trainees(second, trainer, employer_user, 8, 3)
    assert measure() == before
