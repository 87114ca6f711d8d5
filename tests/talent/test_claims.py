"""Subsidies that follow the trainee: generated claims, per-person lines, the 85/15 path through the ledger."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.talent.conftest import IDS, make_programme
from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.services import (
    application_confirm_hire,
    application_recommend,
    application_record_payment,
    application_transition,
)
from waibao.common import personal_id
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.ledger.models import Commitment
from waibao.ledger.selectors import ledger_reconcile
from waibao.talent import claims, services
from waibao.talent.models import ClaimLine, DuplicateRefusal, LineStatus, Recognition

S = ApplicationStatus
pytestmark = pytest.mark.django_db

START = datetime.date(2009, 3, 2)


@pytest.fixture
def programme_2009(routing: Any, institution: Any) -> Any:
    """A recognised pre-job programme of 2009 (the ledger's data set budgets 2007–2010)."""
    return make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=60))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def completed(
    trainer: User,
    programme: Any,
    number: str,
    category: str = "fresh_graduate",
    name: str = "李四",
    *,
    certificate: bool = True,
) -> Any:
    enrolment = services.enrol(
        acting_user=trainer,
        programme=programme,
        name=name,
        id_type="resident_id",
        id_number=number,
        category=category,
        graduation_date=datetime.date(2008, 6, 30) if category in services.GRADUATE_CATEGORIES else None,
        enrolled_on=programme.starts_on,
    )
    services.attendance_record(acting_user=trainer, enrolment=enrolment, hours=programme.hours)
    return services.completion_record(
        acting_user=trainer,
        enrolment=enrolment,
        completed_on=programme.ends_on,
        passed=True,
        certificate=services.ProofFile(stream=io.BytesIO(PDF), name="结业证书.pdf") if certificate else None,
    )


def through_ledger(
    application: Application,
    reviewer: User,
    office: User,
    finance: User,
    later: Callable[[int], None],
    days: int = 30,
) -> Application:
    application_transition(acting_user=reviewer, application=application, action="start_review")
    application.refresh_from_db()
    if application.rule_id == "HZ-17b-hire":
        application_confirm_hire(acting_user=reviewer, application=application)
    application_recommend(
        acting_user=reviewer, application=application, amount=application.calculated_amount_cny, reason="核对名单"
    )
    application_transition(acting_user=office, application=application, action="approve")
    later(days)
    application_transition(acting_user=office, application=application, action="final_approve")
    application.refresh_from_db()
    return application_record_payment(
        acting_user=finance,
        application=application,
        amount=application.approved_amount_cny,
        idempotency_key=f"pay-{application.pk}",
    )


def test_85_15_path_for_one_graduate(
    programme_2009: Any,
    trainer: User,
    employer_user: User,
    reviewer: User,
    office: User,
    finance: User,
    later: Callable[[int], None],
) -> None:
    enrolment = completed(trainer, programme_2009, IDS[0])
    # Completion: the institution claims 85 % of the fee.
    [claim] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True
    )
    assert claim.status == S.SUBMITTED and claim.training_institution_id == programme_2009.institution_id
    assert claim.calculated_amount_cny == Decimal("5100.00") and claim.persons == 1
    [line] = claim.talent_lines.all()
    assert line.enrolment_id == enrolment.pk and line.amount_cny == Decimal("5100.00")
    # Nothing more to claim for the same person under the same rule.
    assert (
        claims.claims_generate(acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True)
        == []
    )
    # Not hired yet: nothing to refund through an employer.
    assert not claims.eligible_enrolments(programme_2009, "HZ-17b-hire").exists()
    paid = through_ledger(claim, reviewer, office, finance, later)
    assert paid.status == S.PAID
    assert Commitment.objects.get(application=paid).paid == Decimal("5100.00")

    # The hire, stated by the employer (as the recruitment site does): the 15 % becomes claimable by it.
    services.confirm_hire_by_person(
        person_id_hash=personal_id.id_hash("resident_id", IDS[0]),
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 6, 1),
        proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="c.pdf"),
        actor=employer_user,
    )
    with pytest.raises(PermissionDeniedError):  # the institution does not claim the employer's refund
        claims.claims_generate(
            acting_user=trainer, programme=programme_2009, rule_id="HZ-17b-hire", commitment_signed=True
        )
    [refund] = claims.claims_generate(
        acting_user=employer_user, programme=programme_2009, rule_id="HZ-17b-hire", commitment_signed=True
    )
    assert refund.enterprise_id == employer_user.enterprise_id and refund.calculated_amount_cny == Decimal("900.00")
    assert refund.basis == "fixed" and refund.hire_recorded_on == datetime.date(2009, 6, 1)
    paid_refund = through_ledger(refund, reviewer, office, finance, later, days=90)
    assert paid_refund.status == S.PAID
    assert Commitment.objects.get(application=paid_refund).paid == Decimal("900.00")
    # 85 % + 15 % = the whole fee, paid per person through the ledger.
    assert sum(c.paid for c in Commitment.objects.all()) == programme_2009.fee_cny
    assert not ledger_reconcile()


def test_one_claim_lists_its_persons_and_a_line_can_be_refused(
    programme_2009: Any, trainer: User, reviewer: User, office: User
) -> None:
    for i, number in enumerate(IDS[:3]):
        completed(trainer, programme_2009, number, name=f"学员{i}")
    completed(trainer, programme_2009, IDS[3], category="new_employee", name="新员工")
    [claim] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True
    )
    assert claim.persons == 3 and claim.calculated_amount_cny == Decimal("15300.00")
    [new_employees] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17c", commitment_signed=True
    )
    assert new_employees.calculated_amount_cny == Decimal("3000.00")  # 50 % of 6,000

    line = claim.talent_lines.order_by("pk").first()
    assert line is not None
    with pytest.raises(PermissionDeniedError):
        claims.claim_line_refuse(acting_user=office, line=line, reason="x")
    with pytest.raises(DomainError):
        claims.claim_line_refuse(acting_user=reviewer, line=line, reason="  ")
    application_transition(acting_user=reviewer, application=claim, action="start_review")
    claims.claim_line_refuse(acting_user=reviewer, line=line, reason="未达到出勤要求")
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW and claim.calculated_amount_cny == Decimal("10200.00") and claim.persons == 2
    with pytest.raises(DomainError) as above:  # the ceiling is now the sum of the accepted lines
        application_recommend(acting_user=reviewer, application=claim, amount="15300.00", reason="")
    assert above.value.code == "amount_above_ceiling"
    application_recommend(acting_user=reviewer, application=claim, amount="10200.00", reason="")
    with pytest.raises(DomainError):  # decided: the lines no longer change
        claims.claim_line_refuse(acting_user=reviewer, line=claim.talent_lines.last(), reason="太晚")


def test_programme_not_recognised_yields_no_subsidy(routing: Any, institution: Any, trainer: User) -> None:
    programme = make_programme(institution, starts_on=START, ends_on=START, recognition=Recognition.NOT_RECOGNISED)
    completed(trainer, programme, IDS[0])
    assert not claims.eligible_enrolments(programme, "HZ-17b").exists()
    with pytest.raises(DomainError) as refused:
        claims.claims_generate(acting_user=trainer, programme=programme, rule_id="HZ-17b", commitment_signed=True)
    assert refused.value.code == "not_recognised"
    assert not Application.objects.exists()


def test_duplicate_subsidy_refused_with_reason(routing: Any, institution: Any, trainer: User, office: User) -> None:
    from tests.factories import TrainingInstitutionFactory, make_user
    from waibao.accounts.models import Role

    other = TrainingInstitutionFactory(approved=True, name_zh="另一所学校")
    other_trainer = make_user(Role.TRAINING_INSTITUTION, username="other-trainer", training_institution=other)
    first = make_programme(institution, starts_on=START, ends_on=START)
    second = make_programme(
        other, starts_on=START + datetime.timedelta(days=90), ends_on=START + datetime.timedelta(days=120)
    )
    completed(trainer, first, IDS[0])
    with pytest.raises(services.DuplicateSubsidyError) as refused:
        services.enrol(
            acting_user=other_trainer,
            programme=second,
            name="李四",
            id_type="resident_id",
            id_number=IDS[0],
            category="fresh_graduate",
            graduation_date=datetime.date(2008, 6, 30),
        )
    assert "杭州外包培训学院" in refused.value.message
    refusal = DuplicateRefusal.objects.get()
    assert refusal.programme == second and refusal.conflicting.programme == first
    assert not second.enrolments.exists()
    # Another type of training is not the same training.
    assert ClaimLine.objects.count() == 0 and LineStatus.ACCEPTED


def test_claim_refuses_the_line_of_a_person_claimed_by_another_institution(
    routing: Any, institution: Any, trainer: User
) -> None:
    from tests.factories import TrainingInstitutionFactory, make_user
    from waibao.accounts.models import Role
    from waibao.talent.models import Programme

    first = make_programme(institution, starts_on=START, ends_on=START)
    completed(trainer, first, IDS[0])
    completed(trainer, first, IDS[1], name="王五")
    claims.claims_generate(acting_user=trainer, programme=first, rule_id="HZ-17b", commitment_signed=True)
    # The other institution enrolled the same person while its programme was not recognised yet.
    other = TrainingInstitutionFactory(approved=True, name_zh="另一所学校")
    other_trainer = make_user(Role.TRAINING_INSTITUTION, username="other-trainer", training_institution=other)
    second = make_programme(other, starts_on=START, ends_on=START, recognition=Recognition.REQUESTED)
    completed(other_trainer, second, IDS[0])
    completed(other_trainer, second, IDS[2], name="赵六")
    Programme.objects.filter(pk=second.pk).update(recognition=Recognition.RECOGNISED)
    [claim] = claims.claims_generate(
        acting_user=other_trainer, programme=second, rule_id="HZ-17b", commitment_signed=True
    )
    refused = claim.talent_lines.get(status=LineStatus.REFUSED)
    assert refused.enrolment.trainee.id_hash == personal_id.id_hash("resident_id", IDS[0])
    assert "杭州外包培训学院" in refused.reason
    assert claim.persons == 1 and claim.calculated_amount_cny == Decimal("5100.00")
    assert DuplicateRefusal.objects.get().conflicting.programme == first
