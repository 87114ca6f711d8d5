"""Institutions: approval on request (period, renewal, lapse), suspension; bases; the plan's live progress."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import TrainingInstitutionFactory, make_user
from tests.talent.conftest import IDS, make_programme
from waibao.accounts.models import Role, User
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.registry.models import Zone
from waibao.talent import institutions, programmes, selectors, services
from waibao.talent.models import ApprovalStatus, InstitutionApproval, ProgrammeKind

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def doc() -> institutions.UploadedDocument:
    return institutions.UploadedDocument(name="licence.pdf", stream=io.BytesIO(PDF))


def test_approval_request_decided_by_the_department_then_renewed_and_lapsing(
    routing: Any, reviewer: User, office: User
) -> None:
    institution = TrainingInstitutionFactory(approved=False)
    user = make_user(Role.TRAINING_INSTITUTION, username="new-school", training_institution=institution)
    period = (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    first = institutions.approval_request(
        acting_user=user, institution=institution, valid_from=period[0], valid_until=period[1], document=doc()
    )
    with pytest.raises(DomainError):  # one request at a time
        institutions.approval_request(
            acting_user=user, institution=institution, valid_from=period[0], valid_until=period[1], document=doc()
        )
    with pytest.raises(PermissionDeniedError):  # the institution does not approve itself
        institutions.approval_decide(acting_user=user, approval=first, approve=True)
    institutions.approval_decide(acting_user=reviewer, approval=first, approve=True)
    institution.refresh_from_db()
    assert institution.approved and institution.approved_until == period[1]
    renewal = institutions.approval_request(
        acting_user=user,
        institution=institution,
        valid_from=datetime.date(2028, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
        document=doc(),
    )
    assert renewal.kind == "renewal"
    with pytest.raises(DomainError):  # a refusal needs its reason
        institutions.approval_decide(acting_user=reviewer, approval=renewal, approve=False)
    institutions.approval_decide(acting_user=reviewer, approval=renewal, approve=False, reason="材料不全")
    assert InstitutionApproval.objects.get(pk=renewal.pk).status == ApprovalStatus.REFUSED
    assert institutions.approval_expire(today=datetime.date(2028, 1, 1)) == 1
    institution.refresh_from_db()
    assert not institution.approved


def test_bad_document_and_period_are_refused(routing: Any, trainer: User, institution: Any) -> None:
    with pytest.raises(DomainError):
        institutions.approval_request(
            acting_user=trainer,
            institution=institution,
            valid_from=datetime.date(2027, 1, 1),
            valid_until=datetime.date(2026, 1, 1),
            document=doc(),
        )
    with pytest.raises(DomainError):
        institutions.approval_request(
            acting_user=trainer,
            institution=institution,
            valid_from=datetime.date(2026, 1, 1),
            valid_until=datetime.date(2027, 1, 1),
            document=institutions.UploadedDocument(name="x.exe", stream=io.BytesIO(b"MZ\x90\x00rest")),
        )
    assert not InstitutionApproval.objects.exists()


def test_approval_request_through_the_page(
    routing: Any, trainer: User, reviewer: User, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(trainer).post(
        "/talent/approvals/",
        {
            "valid_from": "2026-01-01",
            "valid_until": "2027-12-31",
            "document": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    approval = InstitutionApproval.objects.get()
    assert approval.document_name == "licence.pdf" and approval.document_type == "application/pdf"
    client_for(reviewer).post(f"/talent/approvals/{approval.pk}/decide/", {"decision": "approve"})
    assert InstitutionApproval.objects.get().status == ApprovalStatus.APPROVED


def test_suspended_institution_cannot_set_up_or_enrol(
    routing: Any, institution: Any, trainer: User, office: User, programme: Any
) -> None:
    with pytest.raises(DomainError):
        institutions.institution_suspend(acting_user=office, institution=institution, suspend=True)
    institutions.institution_suspend(acting_user=office, institution=institution, suspend=True, reason="违规收费")
    with pytest.raises(DomainError):
        services.enrol(
            acting_user=trainer,
            programme=programme,
            name="张三",
            id_type="resident_id",
            id_number=IDS[0],
            category="new_employee",
        )
    with pytest.raises(DomainError):
        programmes.programme_create(
            acting_user=trainer,
            name_zh="新项目",
            kind=ProgrammeKind.LAW,
            fee_cny="100",
            capacity=10,
            starts_on=datetime.date(2030, 1, 1),
            ends_on=datetime.date(2030, 1, 2),
            hours=8,
        )
    with pytest.raises(PermissionDeniedError):
        institutions.institution_suspend(acting_user=trainer, institution=institution, suspend=False)


def test_programme_validation(routing: Any, trainer: User) -> None:
    base = {
        "acting_user": trainer,
        "name_zh": "定制班",
        "kind": ProgrammeKind.CUSTOMISED,
        "fee_cny": "5000",
        "capacity": 10,
        "starts_on": datetime.date(2030, 3, 1),
        "ends_on": datetime.date(2030, 4, 1),
        "hours": 100,
    }
    with pytest.raises(DomainError) as missing:
        programmes.programme_create(**base)
    assert missing.value.field == "employer"
    with pytest.raises(DomainError):
        programmes.programme_create(**{**base, "kind": "pre_job", "ends_on": datetime.date(2030, 1, 1)})
    with pytest.raises(DomainError):
        programmes.programme_create(**{**base, "kind": "pre_job", "fee_cny": "abc"})
    programme = programmes.programme_create(**{**base, "kind": "pre_job"})
    assert programme.fee_cny == Decimal("5000.00") and programme.recognition == "draft"


def test_plan_progress_is_live(
    routing: Any, institution: Any, trainer: User, office: User, employer_user: User
) -> None:
    zone = Zone.objects.order_by("sort_order").first()
    other_zone = Zone.objects.order_by("-sort_order").first()
    assert zone is not None and other_zone is not None and zone != other_zone
    institutions.plan_target_set(acting_user=office, year=2009, kind="pre_job", enrolled=10, completed=8, hired=4)
    institutions.plan_target_set(
        acting_user=office, year=2009, kind="pre_job", zone=zone, enrolled=5, completed=4, hired=2
    )
    with pytest.raises(DomainError):
        institutions.plan_target_set(acting_user=office, year=2009, kind="pre_job", enrolled=1, completed=5, hired=0)
    with pytest.raises(PermissionDeniedError):
        institutions.plan_target_set(acting_user=trainer, year=2009, kind="law", enrolled=1, completed=1, hired=0)
    start = datetime.date(2009, 3, 2)
    in_zone = make_programme(institution, starts_on=start, ends_on=start, zone=zone)
    elsewhere = make_programme(institution, starts_on=start, ends_on=start, zone=other_zone, name_zh="别处")
    for i, (programme, number) in enumerate(((in_zone, IDS[0]), (in_zone, IDS[1]), (elsewhere, IDS[2]))):
        e = services.enrol(
            acting_user=trainer,
            programme=programme,
            name=f"学员{i}",
            id_type="resident_id",
            id_number=number,
            category="new_employee",
        )
        if i < 2:
            services.completion_record(acting_user=trainer, enrolment=e, completed_on=start)
    [city, zoned] = sorted(selectors.plan_progress(2009), key=lambda p: p.target.zone_id is not None)
    assert (city.enrolled, city.completed, city.hired) == (3, 2, 0)
    assert (zoned.enrolled, zoned.completed, zoned.hired) == (2, 2, 0)
    assert city.enrolled_percent == 30
