"""A hire on the recruitment site records the trainee's hire, so the 15 % refund through the employer is due."""

from __future__ import annotations

import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.recruitment.conftest import PDF, register_seeker
from tests.recruitment.conftest import fields as posting_fields
from tests.talent.conftest import IDS
from waibao.recruitment import services as recruitment
from waibao.recruitment.models import CandidacyStatus
from waibao.talent import services as talent
from waibao.talent.models import Enrolment, Programme

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the platform's today


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _published_posting(employer_user: Any, office: Any) -> Any:
    posting = recruitment.posting_save(acting_user=employer_user, fields=posting_fields())
    posting = recruitment.posting_transition(acting_user=employer_user, posting=posting, action="submit")
    return recruitment.posting_transition(acting_user=office, posting=posting, action="publish")


def _seeker_with_id(number: str) -> Any:
    user = register_seeker()
    recruitment.job_seeker_update(
        acting_user=user,
        seeker=user.job_seeker,
        full_name="李四",
        phone="",
        education="",
        graduation_year=None,
        languages=["zh"],
        summary="",
        id_type="resident_id",
        id_number=number,
    )
    return user


def _hire(employer_user: Any, seeker: Any, posting: Any, contract_date: datetime.date) -> Any:
    candidacy = recruitment.candidacy_create(acting_user=seeker, posting=posting)
    return recruitment.candidacy_hire(
        acting_user=employer_user,
        candidacy=candidacy,
        contract_date=contract_date,
        proof_kind="labour_contract",
        proof_stream=io.BytesIO(PDF),
        proof_name="contract.pdf",
    )


def _completed(trainer: Any, programme: Programme, number: str) -> Enrolment:
    enrolment = talent.enrol(
        acting_user=trainer,
        programme=programme,
        name="李四",
        id_type="resident_id",
        id_number=number,
        category="fresh_graduate",
        graduation_date=datetime.date(2026, 6, 30),
        enrolled_on=programme.starts_on,
    )
    return talent.completion_record(
        acting_user=trainer, enrolment=enrolment, completed_on=programme.ends_on, passed=True
    )


def test_a_hire_on_the_site_records_the_trainees_hire(trainer, programme, employer_user, office) -> None:
    enrolment = _completed(trainer, programme, IDS[0])
    seeker = _seeker_with_id(IDS[0])
    candidacy = _hire(employer_user, seeker, _published_posting(employer_user, office), TODAY)
    assert candidacy.status == CandidacyStatus.HIRED
    enrolment.refresh_from_db()
    assert enrolment.hired and enrolment.employer_id == employer_user.enterprise_id
    assert enrolment.hire_source_ref == f"recruitment:application:{candidacy.pk}"
    assert enrolment.hire_proof_type == "application/pdf"


def test_a_hire_of_someone_else_touches_no_trainee(trainer, programme, employer_user, office) -> None:
    enrolment = _completed(trainer, programme, IDS[0])
    seeker = _seeker_with_id(IDS[1])
    candidacy = _hire(employer_user, seeker, _published_posting(employer_user, office), TODAY)
    assert candidacy.status == CandidacyStatus.HIRED
    enrolment.refresh_from_db()
    assert not enrolment.hired and enrolment.employer_id is None


def test_a_hire_the_refund_cannot_count_keeps_the_sites_hire(trainer, programme, employer_user, office) -> None:
    enrolment = _completed(trainer, programme, IDS[0])
    seeker = _seeker_with_id(IDS[0])
    before_training = programme.starts_on - datetime.timedelta(days=10)
    posting = _published_posting(employer_user, office)
    candidacy = recruitment.candidacy_create(acting_user=seeker, posting=posting)
    # The site refuses a contract dated well before the application itself, so date the application back.
    type(candidacy).objects.filter(pk=candidacy.pk).update(
        created_at=datetime.datetime.combine(before_training, datetime.time(9), tzinfo=datetime.UTC)
    )
    candidacy.refresh_from_db()
    hired = recruitment.candidacy_hire(
        acting_user=employer_user,
        candidacy=candidacy,
        contract_date=before_training,
        proof_kind="labour_contract",
        proof_stream=io.BytesIO(PDF),
        proof_name="contract.pdf",
    )
    assert hired.status == CandidacyStatus.HIRED, "the site's hire stands"
    enrolment.refresh_from_db()
    assert not enrolment.hired, "a contract before the programme earns no refund"
