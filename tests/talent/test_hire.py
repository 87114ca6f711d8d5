"""The hire: recorded by the institution and confirmed by the employer, or stated by the employer by ID hash."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from tests.talent.conftest import IDS, make_programme
from waibao.common import personal_id
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.talent import services
from waibao.talent.models import Enrolment, Recognition

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _completed(trainer, programme, number=IDS[0], category="fresh_graduate"):
    enrolment = services.enrol(
        acting_user=trainer,
        programme=programme,
        name="李四",
        id_type="resident_id",
        id_number=number,
        category=category,
        graduation_date=datetime.date(2026, 6, 30),
        enrolled_on=programme.starts_on,
    )
    return services.completion_record(
        acting_user=trainer, enrolment=enrolment, completed_on=programme.ends_on, passed=True
    )


def _pdf() -> io.BytesIO:
    return io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_confirm_hire_by_person_records_confirmed_hire(trainer, programme, employer_user):
    enrolment = _completed(trainer, programme)
    trainee = services.confirm_hire_by_person(
        person_id_hash=personal_id.id_hash("resident_id", IDS[0]),
        employer=employer_user.enterprise,
        contract_date=TODAY(),
        proof=services.HireProof(kind="labour_contract", stream=_pdf(), name="contract.pdf"),
        source_ref="recruitment:application:7",
        actor=employer_user,
    )
    assert trainee is not None and trainee.pk == enrolment.trainee_id
    enrolment.refresh_from_db()
    assert enrolment.employer_id == employer_user.enterprise_id
    assert enrolment.hired and enrolment.hire_source_ref == "recruitment:application:7"
    assert enrolment.hire_proof_name == "contract.pdf" and enrolment.hire_proof_type == "application/pdf"


def test_confirm_hire_by_person_none_when_no_trainee_awaits(trainer, programme, employer_user):
    kwargs = {"employer": employer_user.enterprise, "contract_date": TODAY(), "actor": employer_user}
    assert services.confirm_hire_by_person(person_id_hash="0" * 64, **kwargs) is None
    # Enrolled but not completed: not awaiting a hire yet.
    services.enrol(
        acting_user=trainer,
        programme=programme,
        name="王五",
        id_type="resident_id",
        id_number=IDS[1],
        category="fresh_graduate",
        graduation_date=datetime.date(2026, 6, 30),
    )
    assert services.confirm_hire_by_person(person_id_hash=personal_id.id_hash("resident_id", IDS[1]), **kwargs) is None
    assert not Enrolment.objects.filter(employer__isnull=False).exists()


def test_confirm_hire_by_person_ignores_unrecognised_programme(trainer, institution, employer_user):
    programme = make_programme(institution, recognition=Recognition.NOT_RECOGNISED)
    _completed(trainer, programme)
    found = services.confirm_hire_by_person(
        person_id_hash=personal_id.id_hash("resident_id", IDS[0]),
        employer=employer_user.enterprise,
        contract_date=TODAY(),
        actor=employer_user,
    )
    assert found is None


def test_confirm_hire_by_person_only_for_own_enterprise(trainer, programme, employer_user, other_enterprise_user):
    _completed(trainer, programme)
    with pytest.raises(PermissionDeniedError):
        services.confirm_hire_by_person(
            person_id_hash=personal_id.id_hash("resident_id", IDS[0]),
            employer=employer_user.enterprise,
            contract_date=TODAY(),
            actor=other_enterprise_user,
        )


def test_future_contract_date_and_bad_proof_are_refused(trainer, programme, employer_user):
    _completed(trainer, programme)
    hashed = personal_id.id_hash("resident_id", IDS[0])
    with pytest.raises(DomainError) as exc:
        services.confirm_hire_by_person(
            person_id_hash=hashed,
            employer=employer_user.enterprise,
            contract_date=TODAY() + datetime.timedelta(days=3),
            actor=employer_user,
        )
    assert exc.value.field == "contract_date"
    with pytest.raises(DomainError):
        services.confirm_hire_by_person(
            person_id_hash=hashed,
            employer=employer_user.enterprise,
            contract_date=TODAY(),
            proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(b"MZ\x90\x00 not a pdf"), name="x.exe"),
            actor=employer_user,
        )
    assert not Enrolment.objects.filter(employer__isnull=False).exists()


def test_institution_records_hire_and_employer_confirms(trainer, programme, employer_user, other_enterprise_user):
    enrolment = _completed(trainer, programme)
    services.hire_record(
        acting_user=trainer,
        enrolment=enrolment,
        employer=employer_user.enterprise,
        contract_date=TODAY(),
        proof=services.HireProof(kind="social_insurance", stream=_pdf(), name="si.pdf"),
    )
    enrolment.refresh_from_db()
    assert enrolment.employer_id and not enrolment.hired
    with pytest.raises(PermissionDeniedError):
        services.hire_confirm(acting_user=other_enterprise_user, enrolment=enrolment)
    services.hire_confirm(acting_user=employer_user, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.hired and enrolment.hire_confirmed_by_id == employer_user.pk
