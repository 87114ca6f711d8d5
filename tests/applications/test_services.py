"""Services: duplicates, the engine's refusal, follow-up and hire rules, amounts by basis, objections, policy change."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tests.applications.conftest import PDF
from waibao.accounts.models import User
from waibao.applications import policy
from waibao.applications.evidence import evidence_dir
from waibao.applications.models import Application, ApplicationStatus, Evidence, Objection, ObjectionStatus
from waibao.applications.policy import NotEntitledError
from waibao.applications.services import (
    Person,
    Upload,
    application_confirm_hire,
    application_create,
    application_recommend,
    application_record_payment,
    application_submit,
    application_transition,
    check_recommended_amount,
    objection_lodge,
    objection_resolve,
)
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.policy.engine import default_package
from waibao.policy.engine.model import Citation, ParameterValue

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def upload(kind: str, content: bytes = PDF) -> Upload:
    return Upload(kind=kind, stream=io.BytesIO(content), name=f"{kind}.pdf")


def software_export(user: User, *, usd: str = "600000", year: int = 2008, submit: bool = True) -> Application:
    return application_create(
        acting_user=user,
        rule_id="HZ-12a",
        year=year,
        facts={"software_export_usd": Decimal(usd)},
        uploads=[upload("contract")],
        commitment_signed=True,
        submit=submit,
    )


def to_notice(application: Application, reviewer: User, office: User, amount: str) -> Application:
    application_transition(acting_user=reviewer, application=application, action="start_review")
    # The declared exports are not in approved statistics (issue 8 §4): the reviewer says why they recommend.
    application_recommend(acting_user=reviewer, application=application, amount=amount, reason="核对了出口合同")
    return application_transition(acting_user=office, application=application, action="approve")


# --- duplicates --------------------------------------------------------------------------------------


def test_duplicate_refused_with_a_message(routing: Any, enterprise_user: User) -> None:
    software_export(enterprise_user)
    with pytest.raises(DomainError) as refused:
        software_export(enterprise_user)
    assert refused.value.code == "duplicate"
    assert Application.objects.count() == 1
    # Another year is a different application.
    software_export(enterprise_user, year=2009)


def test_duplicate_allowed_after_withdrawal(routing: Any, enterprise_user: User) -> None:
    first = software_export(enterprise_user)
    application_transition(acting_user=enterprise_user, application=first, action="withdraw", reason="Wrong year")
    second = software_export(enterprise_user)
    assert second.pk != first.pk


def test_duplicate_refused_by_the_database(routing: Any, enterprise_user: User) -> None:
    first = software_export(enterprise_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            enterprise=first.enterprise, rule_id=first.rule_id, year=first.year, item_key="", status=S.DRAFT
        )


def test_one_application_per_certification(routing: Any, enterprise_user: User) -> None:
    def certification(standard: str) -> Application:
        return application_create(
            acting_user=enterprise_user,
            rule_id="HZ-13a",
            year=2008,
            facts={},
            item={"standard": standard, "level": 3, "year_obtained": 2008, "fee_cny": Decimal("100000")},
            uploads=[upload("certificate"), upload("invoice")],
            commitment_signed=True,
            submit=True,
        )

    assert certification("CMMI").item_key == "CMMI"
    assert certification("ISO27001").item_key == "ISO27001"
    with pytest.raises(DomainError):
        certification("CMMI")


def test_exactly_one_applicant_in_the_database(routing: Any, enterprise_user: User, institution_user: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            enterprise=enterprise_user.enterprise,
            training_institution=institution_user.training_institution,
            rule_id="HZ-17a",
            year=2008,
        )


# --- the engine's verdict ----------------------------------------------------------------------------


def test_not_entitled_is_refused_with_the_trace_and_nothing_written(routing: Any, enterprise_user: User) -> None:
    folder = evidence_dir()
    on_disk = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(NotEntitledError) as refused:
        software_export(enterprise_user, usd="499999.99")
    assert "HZ-12a" in str(refused.value.message)
    assert any("499999.99" in line for line in refused.value.explanation)
    assert Application.objects.count() == 0 and Evidence.objects.count() == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == on_disk
    assert not AuditEvent.objects.filter(action__startswith="application.").exists()


def test_draft_then_submit_stores_verdict_and_version(routing: Any, enterprise_user: User) -> None:
    draft = software_export(enterprise_user, submit=False)
    assert draft.status == S.DRAFT and draft.result == {}
    submitted = application_submit(acting_user=enterprise_user, application=draft)
    assert submitted.status == S.SUBMITTED
    assert submitted.package_version == default_package().version
    assert submitted.result["applied"]["amount_cny"] == "200000.00"
    assert submitted.result["input"]["enterprise"]["software_export_usd"] == "600000"


def test_later_policy_change_does_not_alter_a_submitted_application(
    routing: Any, enterprise_user: User, other_enterprise_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = software_export(enterprise_user)
    base = default_package()
    amended = base.amended(
        [("hz12a_reward_cny", ParameterValue(datetime.date(2007, 1, 1), Decimal("250000"), Citation("HZ-12", "x")))]
    )
    amended = replace(amended, version="2.0.0")
    monkeypatch.setattr(policy, "package", lambda: amended)
    after = software_export(other_enterprise_user)
    before.refresh_from_db()
    assert before.calculated_amount_cny == Decimal("200000.00") and before.package_version == base.version
    assert after.calculated_amount_cny == Decimal("250000.00") and after.package_version == "2.0.0"


def test_commitment_and_evidence_required(routing: Any, enterprise_user: User) -> None:
    with pytest.raises(DomainError) as refused:
        application_create(
            acting_user=enterprise_user,
            rule_id="HZ-12a",
            year=2008,
            facts={"software_export_usd": Decimal("600000")},
            uploads=[upload("contract")],
            submit=True,
        )
    assert refused.value.code == "commitment_missing"
    with pytest.raises(DomainError) as refused:
        application_create(
            acting_user=enterprise_user,
            rule_id="HZ-12a",
            year=2008,
            facts={"software_export_usd": Decimal("600000")},
            commitment_signed=True,
            submit=True,
        )
    assert refused.value.code == "evidence_missing"
    assert Application.objects.count() == 0


def test_wrong_applicant_kind_and_unknown_rule(routing: Any, enterprise_user: User, institution_user: User) -> None:
    with pytest.raises(DomainError) as refused:
        application_create(acting_user=enterprise_user, rule_id="HZ-17a", year=2008, facts={})
    assert refused.value.code == "wrong_applicant"
    with pytest.raises(DomainError) as refused:
        application_create(acting_user=institution_user, rule_id="HZ-12a", year=2008, facts={})
    assert refused.value.code == "wrong_applicant"
    for rule_id in ("HZ-99", "HZ-10"):
        with pytest.raises(DomainError):
            application_create(acting_user=enterprise_user, rule_id=rule_id, year=2008, facts={})


def test_office_cannot_apply(routing: Any, office: User) -> None:
    with pytest.raises(PermissionDeniedError):
        application_create(acting_user=office, rule_id="HZ-12a", year=2008, facts={})


# --- HZ-13b follows HZ-13a ---------------------------------------------------------------------------


def maintenance(user: User, year: int) -> Application:
    return application_create(
        acting_user=user,
        rule_id="HZ-13b",
        year=year,
        facts={},
        item={"standard": "CMMI", "level": 3, "year_obtained": 2008, "fee_cny": Decimal("200000")},
        uploads=[upload("certificate"), upload("invoice")],
        commitment_signed=True,
        submit=True,
    )


def test_13b_needs_an_approved_13a_in_the_two_years_before(routing: Any, enterprise_user: User) -> None:
    with pytest.raises(DomainError) as refused:
        maintenance(enterprise_user, 2009)
    assert refused.value.code == "follow_up_missing"
    # A 13a that is only submitted does not count; an approved one (in notice or later) does.
    first = Application.objects.create(
        enterprise=enterprise_user.enterprise, rule_id="HZ-13a", year=2008, item_key="CMMI", status=S.SUBMITTED
    )
    with pytest.raises(DomainError):
        maintenance(enterprise_user, 2009)
    Application.objects.filter(pk=first.pk).update(status=S.PAID, approved_amount_cny=Decimal("100000"))
    assert maintenance(enterprise_user, 2009).status == S.SUBMITTED
    assert maintenance(enterprise_user, 2010).status == S.SUBMITTED


def test_13b_three_years_after_is_refused(routing: Any, enterprise_user: User) -> None:
    Application.objects.create(
        enterprise=enterprise_user.enterprise,
        rule_id="HZ-13a",
        year=2008,
        item_key="CMMI",
        status=S.PAID,
        approved_amount_cny=Decimal("1"),
    )
    with pytest.raises(DomainError):
        # year_obtained 2008 is three years before 2011: the engine refuses it, and so does the follow-up check.
        maintenance(enterprise_user, 2011)


# --- HZ-17b-hire: only once the hire is recorded -----------------------------------------------------


def hire_application(user: User, *, with_hire: bool = True, proof: bool = True) -> Application:
    return application_create(
        acting_user=user,
        rule_id="HZ-17b-hire",
        year=2008,
        facts={},
        item={"category": "fresh_graduate", "hired_by_outsourcing_enterprise": True, "fee_cny": Decimal("10000")},
        person=Person(name="张三", id_type="resident_id", id_number="33010619900101123X"),
        uploads=[upload("hire_proof")] if proof else [],
        commitment_signed=True,
        hire_employer="杭州测试软件有限公司" if with_hire else "",
        hire_recorded_on=datetime.date(2008, 9, 1) if with_hire else None,
        submit=True,
    )


def test_hire_rule_needs_the_recorded_hire_and_proof(routing: Any, institution_user: User) -> None:
    with pytest.raises(DomainError) as refused:
        hire_application(institution_user, with_hire=False)
    assert refused.value.code == "hire_missing"
    with pytest.raises(DomainError) as refused:
        hire_application(institution_user, proof=False)
    assert refused.value.code == "evidence_missing"


def test_hire_rule_needs_a_reviewer_to_confirm_the_hire(
    routing: Any, institution_user: User, reviewer: User, office: User, finance: User, later: Callable[[int], None]
) -> None:
    application = hire_application(institution_user)
    assert application.item_key == f"trainee-{application.trainee_id}"
    assert application.item_label == "张三 3301**********123X"
    assert application.calculated_amount_cny == Decimal("1500.00")
    application_transition(acting_user=reviewer, application=application, action="start_review")
    with pytest.raises(DomainError) as refused:
        application_recommend(acting_user=reviewer, application=application, amount="1500.00")
    assert refused.value.code == "hire_unconfirmed"
    with pytest.raises(PermissionDeniedError):
        application_confirm_hire(acting_user=office, application=application)
    application_confirm_hire(acting_user=reviewer, application=application)
    application_recommend(acting_user=reviewer, application=application, amount="1500.00")
    application_transition(acting_user=office, application=application, action="approve")
    later(8)
    application_transition(acting_user=office, application=application, action="final_approve")
    application = application_record_payment(
        acting_user=finance, application=application, amount="1500.00", idempotency_key="hire-1"
    )
    assert application.status == S.PAID


# --- amounts by basis --------------------------------------------------------------------------------

D = Decimal


@pytest.mark.parametrize(
    "basis,amount,calculated,minimum,reason,ok",
    [
        ("fixed", "200000", "200000", None, "", True),
        ("fixed", "199999.99", "200000", None, "", False),
        ("ceiling", "150000", "150000", None, "", True),
        ("ceiling", "1", "150000", None, "", True),
        ("ceiling", "150000.01", "150000", None, "", False),
        ("floor", "100000", "200000", "100000", "", True),
        ("floor", "200000", "200000", "100000", "", True),
        ("floor", "99999.99", "200000", "100000", "", False),
        ("floor", "200000.01", "200000", "100000", "", False),
        ("range", "200000", "300000", "200000", "", True),
        ("range", "300000.01", "300000", "200000", "", False),
        ("range", "199999", "300000", "200000", "", False),
        ("eligible", "50000", None, None, "Trained 120", True),
        ("eligible", "50000", None, None, "  ", False),
        ("eligible", "50001", "50000", None, "set by city", False),
        ("ceiling", "0", "150000", None, "", False),
        ("ceiling", "-5", "150000", None, "", False),
        ("fixed", "100", None, None, "", False),
    ],
)
def test_recommended_amount_respects_the_basis(
    basis: str, amount: str, calculated: str | None, minimum: str | None, reason: str, ok: bool
) -> None:
    def run() -> Decimal:
        return check_recommended_amount(
            basis=basis,
            amount=D(amount),
            calculated=D(calculated) if calculated else None,
            minimum=D(minimum) if minimum else None,
            reason=reason,
        )

    if ok:
        assert run() == D(amount)
    else:
        with pytest.raises(DomainError):
            run()


def test_recommend_refusal_leaves_the_application_unchanged(
    routing: Any, enterprise_user: User, reviewer: User
) -> None:
    application = software_export(enterprise_user)
    application_transition(acting_user=reviewer, application=application, action="start_review")
    with pytest.raises(DomainError):
        application_recommend(acting_user=reviewer, application=application, amount="150000")
    with pytest.raises(DomainError):
        application_recommend(acting_user=reviewer, application=application, amount="abc")
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.recommended_amount_cny is None


def test_reasons_required_for_return_reject_withdraw(routing: Any, enterprise_user: User, reviewer: User) -> None:
    application = software_export(enterprise_user)
    application_transition(acting_user=reviewer, application=application, action="start_review")
    for actor, action in ((reviewer, "return"), (reviewer, "reject"), (enterprise_user, "withdraw")):
        with pytest.raises(DomainError) as refused:
            application_transition(acting_user=actor, application=application, action=action, reason=" ")
        assert refused.value.code == "reason_required"
    application = application_transition(
        acting_user=reviewer, application=application, action="reject", reason="Exports not offshore"
    )
    assert application.status == S.REJECTED and application.status_reason == "Exports not offshore"
    with pytest.raises(DomainError):
        application_transition(acting_user=enterprise_user, application=application, action="withdraw", reason="x")


# --- objections --------------------------------------------------------------------------------------


def test_objection_holds_then_uphold_rejects(
    routing: Any, enterprise_user: User, reviewer: User, office: User, later: Callable[[int], None]
) -> None:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    one = objection_lodge(application=application, name="A", contact="a@example.com", text="Not offshore")
    two = objection_lodge(application=application, name="B", contact="b@example.com", text="Also wrong")
    application.refresh_from_db()
    assert application.status == S.ON_HOLD
    # Final approval waits for the objections even after the notice ends.
    later(30)
    with pytest.raises(DomainError):
        application_transition(acting_user=office, application=application, action="final_approve")
    with pytest.raises(DomainError):
        objection_resolve(acting_user=office, objection=one, decision="uphold_reject", resolution="")
    with pytest.raises(DomainError):
        objection_resolve(acting_user=reviewer, objection=one, decision="dismiss", resolution="ok")
    objection_resolve(acting_user=office, objection=one, decision="uphold_reject", resolution="Customs says onshore")
    application.refresh_from_db()
    two.refresh_from_db()
    assert application.status == S.REJECTED
    assert two.status == ObjectionStatus.UPHELD


def test_objection_dismiss_waits_for_all_open_objections(
    routing: Any, enterprise_user: User, reviewer: User, office: User
) -> None:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    one = objection_lodge(application=application, name="A", contact="a", text="x")
    two = objection_lodge(application=application, name="B", contact="b", text="y")
    objection_resolve(acting_user=office, objection=one, decision="dismiss", resolution="Unfounded")
    application.refresh_from_db()
    assert application.status == S.ON_HOLD
    with pytest.raises(DomainError):
        objection_resolve(acting_user=office, objection=one, decision="dismiss", resolution="again")
    objection_resolve(acting_user=office, objection=two, decision="uphold_return", resolution="Check again")
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.approved_amount_cny is None and application.notice_ends_on is None


def test_objection_refused_outside_the_notice_period(
    routing: Any, enterprise_user: User, reviewer: User, office: User, later: Callable[[int], None]
) -> None:
    application = software_export(enterprise_user)
    with pytest.raises(DomainError):
        objection_lodge(application=application, name="A", contact="a", text="x")
    to_notice(application, reviewer, office, "200000.00")
    with pytest.raises(DomainError):
        objection_lodge(application=application, name="", contact="a", text="x")
    later(8)
    with pytest.raises(DomainError) as refused:
        objection_lodge(application=application, name="A", contact="a", text="x")
    assert refused.value.code == "notice_ended"
    assert Objection.objects.count() == 0


def test_objections_are_rate_limited(routing: Any, enterprise_user: User, reviewer: User, office: User) -> None:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    for i in range(5):
        objection_lodge(application=application, name="A", contact="a", text=f"x{i}", client="same")
    with pytest.raises(DomainError) as refused:
        objection_lodge(application=application, name="A", contact="a", text="again", client="same")
    assert refused.value.code == "rate_limited"
    objection_lodge(application=application, name="B", contact="b", text="other", client="other")


# --- commitment on the ledger --------------------------------------------------------------------------


def test_final_approval_refused_without_budget_leaves_notice(
    routing: Any, enterprise_user: User, reviewer: User, office: User, later: Callable[[int], None]
) -> None:
    application = to_notice(software_export(enterprise_user, year=2015), reviewer, office, "200000.00")
    later(8)
    with pytest.raises(DomainError):
        application_transition(acting_user=office, application=application, action="final_approve")
    application.refresh_from_db()
    assert application.status == S.IN_NOTICE
    assert not AuditEvent.objects.filter(action="application.final_approve").exists()


def test_payment_only_by_finance_and_not_above_the_commitment(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    office: User,
    finance: User,
    later: Callable[[int], None],
) -> None:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    later(8)
    application_transition(acting_user=office, application=application, action="final_approve")
    with pytest.raises(PermissionDeniedError):
        application_record_payment(acting_user=office, application=application, amount="1", idempotency_key="a")
    with pytest.raises(DomainError):
        application_record_payment(
            acting_user=finance, application=application, amount="200000.01", idempotency_key="b"
        )
    application.refresh_from_db()
    assert application.status == S.COMMITTED
