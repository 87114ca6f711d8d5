"""Claims check each person's proof; a refused line follows through to the ledger; the HZ-17a reward claim."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.factories import TrainingInstitutionFactory, make_user
from tests.talent.conftest import IDS, make_programme
from tests.talent.test_claims import PDF, START, completed, through_ledger
from waibao.accounts.models import Role, User
from waibao.applications import evidence as evidence_files
from waibao.applications.models import Application, ApplicationStatus, EvidenceKind
from waibao.applications.services import (
    application_recommend,
    application_record_payment,
    application_transition,
)
from waibao.common import personal_id
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.ledger.models import Commitment
from waibao.ledger.selectors import ledger_reconcile
from waibao.talent import claims, institutions, services
from waibao.talent.models import ClaimLine, LineStatus, Recognition

S = ApplicationStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_2009(routing: Any, institution: Any) -> Any:
    return make_programme(institution, starts_on=START, ends_on=START + datetime.timedelta(days=60))


def proof(name: str = "证书.pdf", content: bytes = PDF) -> services.ProofFile:
    return services.ProofFile(stream=io.BytesIO(content), name=name)


# --- each line needs its proof -------------------------------------------------------------------------------


def test_a_person_without_the_certificate_is_not_claimed(programme_2009: Any, trainer: User) -> None:
    with_proof = completed(trainer, programme_2009, IDS[0])
    without = completed(trainer, programme_2009, IDS[1], name="王五", certificate=False)
    assert list(claims.lacking_proof(programme_2009, "HZ-17b")) == [without]
    [claim] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True
    )
    assert [line.enrolment_id for line in claim.talent_lines.all()] == [with_proof.pk]
    assert claim.persons == 1 and claim.calculated_amount_cny == Decimal("5100.00")
    assert claim.facts["claim"]["proofs"] == ["completion"]
    # Nobody else with a proof: the institution is told why the other person is not claimed.
    with pytest.raises(DomainError) as refused:
        claims.claims_generate(acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True)
    assert refused.value.code == "proof_missing"
    # A file that is not a document is refused like any evidence; nothing is attached.
    with pytest.raises(DomainError) as bad:
        services.enrolment_proof_attach(
            acting_user=trainer, enrolment=without, kind="completion", proof=proof("x.pdf", b"MZ\x90\x00binary")
        )
    assert bad.value.code == "file_type"
    without.refresh_from_db()
    assert not without.completion_proof_stored
    services.enrolment_proof_attach(acting_user=trainer, enrolment=without, kind="completion", proof=proof())
    [second] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True
    )
    assert [line.enrolment_id for line in second.talent_lines.all()] == [without.pk]
    # Once claimed, the proof the reviewer decides on can no longer be swapped.
    with pytest.raises(DomainError) as locked:
        services.enrolment_proof_attach(acting_user=trainer, enrolment=without, kind="completion", proof=proof())
    assert locked.value.code == "on_claim"


def test_proofs_are_attached_only_by_the_right_party_and_step(
    programme_2009: Any, trainer: User, employer_user: User
) -> None:
    enrolled = services.enrol(
        acting_user=trainer,
        programme=programme_2009,
        name="李四",
        id_type="resident_id",
        id_number=IDS[0],
        category="fresh_graduate",
        graduation_date=datetime.date(2008, 6, 30),
        enrolled_on=START,
    )
    with pytest.raises(DomainError) as early:
        services.enrolment_proof_attach(acting_user=trainer, enrolment=enrolled, kind="completion", proof=proof())
    assert early.value.code == "not_completed"
    failed = services.completion_record(
        acting_user=trainer, enrolment=enrolled, completed_on=programme_2009.ends_on, passed=False
    )
    with pytest.raises(DomainError) as not_passed:
        services.enrolment_proof_attach(acting_user=trainer, enrolment=failed, kind="pass", proof=proof())
    assert not_passed.value.code == "proof_not_passed"
    with pytest.raises(DomainError) as no_hire:
        services.enrolment_proof_attach(
            acting_user=employer_user, enrolment=failed, kind="hire", proof=proof(), hire_proof_kind="labour_contract"
        )
    assert no_hire.value.code == "hire_missing"
    with pytest.raises(PermissionDeniedError):  # an enterprise does not certify a completion
        services.enrolment_proof_attach(acting_user=employer_user, enrolment=failed, kind="completion", proof=proof())
    with pytest.raises(DomainError):
        services.enrolment_proof_attach(acting_user=trainer, enrolment=failed, kind="diploma", proof=proof())


def test_the_refund_needs_the_proof_of_hire_which_the_employer_attaches(
    programme_2009: Any, trainer: User, employer_user: User
) -> None:
    completed(trainer, programme_2009, IDS[0])
    services.confirm_hire_by_person(  # the site's hire may come without its proof
        person_id_hash=personal_id.id_hash("resident_id", IDS[0]),
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 6, 1),
        actor=employer_user,
    )
    with pytest.raises(DomainError) as refused:
        claims.claims_generate(
            acting_user=employer_user, programme=programme_2009, rule_id="HZ-17b-hire", commitment_signed=True
        )
    assert refused.value.code == "proof_missing"
    [enrolment] = claims.lacking_proof(programme_2009, "HZ-17b-hire")
    with pytest.raises(DomainError) as kind_missing:
        services.enrolment_proof_attach(acting_user=employer_user, enrolment=enrolment, kind="hire", proof=proof())
    assert kind_missing.value.code == "proof_kind"
    services.enrolment_proof_attach(
        acting_user=employer_user,
        enrolment=enrolment,
        kind="hire",
        proof=proof("社保记录.pdf"),
        hire_proof_kind="social_insurance",
    )
    [refund] = claims.claims_generate(
        acting_user=employer_user, programme=programme_2009, rule_id="HZ-17b-hire", commitment_signed=True
    )
    assert refund.calculated_amount_cny == Decimal("900.00")


def test_customised_training_needs_the_pass_certificate_and_the_hire(
    routing: Any, institution: Any, trainer: User, employer_user: User
) -> None:
    programme = make_programme(
        institution,
        kind="customised",
        employer=employer_user.enterprise,
        starts_on=START,
        ends_on=START + datetime.timedelta(days=30),
    )
    enrolment = services.enrol(
        acting_user=trainer,
        programme=programme,
        name="李四",
        id_type="resident_id",
        id_number=IDS[0],
        category="customised",
        enrolled_on=START,
    )
    services.completion_record(
        acting_user=trainer, enrolment=enrolment, completed_on=programme.ends_on, passed=True, certificate=proof()
    )
    services.confirm_hire_by_person(
        person_id_hash=enrolment.trainee.id_hash,
        employer=employer_user.enterprise,
        contract_date=datetime.date(2009, 5, 1),
        proof=services.HireProof(kind="labour_contract", stream=io.BytesIO(PDF), name="合同.pdf"),
        actor=employer_user,
    )
    assert not claims.eligible_enrolments(programme, "HZ-17d").exists()  # the pass certificate is missing
    assert claims.lacking_proof(programme, "HZ-17d").count() == 1
    services.enrolment_proof_attach(acting_user=trainer, enrolment=enrolment, kind="pass", proof=proof("合格证.pdf"))
    [claim] = claims.claims_generate(acting_user=trainer, programme=programme, rule_id="HZ-17d", commitment_signed=True)
    assert claim.basis == "eligible" and claim.talent_lines.count() == 1


def test_the_reviewer_sees_each_persons_proof(
    programme_2009: Any,
    trainer: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    enrolment = completed(trainer, programme_2009, IDS[0])
    [claim] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True
    )
    page = client_for(reviewer).get(f"/talent/claims/{claim.pk}/")
    assert page.status_code == 200
    link = f"/talent/enrolments/{enrolment.pk}/proof/completion/"
    assert link in page.content.decode()
    download = client_for(reviewer).get(link)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert client_for(reviewer).get(f"/talent/enrolments/{enrolment.pk}/proof/pass/").status_code == 404
    # Another institution does not see the file.
    other = TrainingInstitutionFactory(approved=True)
    stranger = make_user(Role.TRAINING_INSTITUTION, username="stranger", training_institution=other)
    assert client_for(stranger).get(link).status_code == 404
    assert client_for(None).get(link).status_code in (302, 403)
    # The engine's trace is stored with the claim and explained on the application's page.
    assert claim.result["profiles"][0]["persons"] == 1
    assert claim.result["applied"]["trace"]
    detail = client_for(reviewer).get(f"/applications/{claim.pk}/")
    assert 'id="engine-result"' in detail.content.decode()


def test_completion_with_certificates_through_the_page(
    programme_2009: Any, trainer: User, client_for: Callable[[User | None], Client]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    enrolment = services.enrol(
        acting_user=trainer,
        programme=programme_2009,
        name="李四",
        id_type="resident_id",
        id_number=IDS[0],
        category="fresh_graduate",
        graduation_date=datetime.date(2008, 6, 30),
        enrolled_on=START,
    )
    client = client_for(trainer)
    folder = evidence_files.evidence_dir()
    before = set(folder.glob("*")) if folder.exists() else set()
    client.post(
        f"/talent/enrolments/{enrolment.pk}/complete/",
        {
            "completed_on": programme_2009.ends_on.isoformat(),
            "passed": "on",
            "certificate": SimpleUploadedFile("结业.pdf", PDF, content_type="application/pdf"),
            "pass_certificate": SimpleUploadedFile("macro.docm", b"PK\x03\x04junk", content_type="application/pdf"),
        },
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"  # a refused file refuses the whole step, nothing half-written
    assert not enrolment.completion_proof_stored
    assert (set(folder.glob("*")) if folder.exists() else set()) == before  # the stored certificate is removed
    client.post(
        f"/talent/enrolments/{enrolment.pk}/complete/",
        {
            "completed_on": programme_2009.ends_on.isoformat(),
            "passed": "on",
            "certificate": SimpleUploadedFile("结业.pdf", PDF, content_type="application/pdf"),
        },
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "completed" and enrolment.completion_proof_name == "结业.pdf"
    page = client.get(f"/talent/programmes/{programme_2009.pk}/").content.decode()
    assert f"/talent/enrolments/{enrolment.pk}/proof/completion/" in page


# --- a person's line refused: the claim, its commitment and payment follow ---------------------------------------


def test_a_refused_line_lowers_the_commitment_and_the_payment(
    programme_2009: Any,
    trainer: User,
    reviewer: User,
    office: User,
    finance: User,
    later: Callable[[int], None],
) -> None:
    for i, number in enumerate(IDS[:3]):
        completed(trainer, programme_2009, number, name=f"学员{i}")
    [claim] = claims.claims_generate(
        acting_user=trainer, programme=programme_2009, rule_id="HZ-17b", commitment_signed=True
    )
    assert claim.calculated_amount_cny == Decimal("15300.00")
    refused = claim.talent_lines.order_by("pk").first()
    assert refused is not None
    claims.claim_line_refuse(acting_user=reviewer, line=refused, reason="结业证书与名单不符")
    claim.refresh_from_db()
    paid = through_ledger(claim, reviewer, office, finance, later)
    assert paid.status == S.PAID and paid.approved_amount_cny == Decimal("10200.00")
    commitment = Commitment.objects.get(application=paid)
    assert commitment.amount == Decimal("10200.00") and commitment.paid == Decimal("10200.00")
    assert paid.persons == 2
    line = ClaimLine.objects.get(pk=refused.pk)
    assert line.status == LineStatus.REFUSED and line.reason == "结业证书与名单不符" and line.decided_by == reviewer
    assert not ledger_reconcile()
    # The refused person is not on a live accepted line: the claim of another rule is unaffected, and the refused
    # line stays on the paid claim (not claimable again under the same rule).
    assert not claims.eligible_enrolments(programme_2009, "HZ-17b").exists()


# --- HZ-17a: the approved institution's reward ----------------------------------------------------------------


def approve_for(trainer: User, reviewer: User, institution: Any, year: int = 2009) -> Any:
    approval = institutions.approval_request(
        acting_user=trainer,
        institution=institution,
        valid_from=datetime.date(year, 1, 1),
        valid_until=datetime.date(year + 1, 12, 31),
        document=institutions.UploadedDocument(name="批准文件.pdf", stream=io.BytesIO(PDF)),
    )
    return institutions.approval_decide(acting_user=reviewer, approval=approval, approve=True)


def test_reward_generated_from_the_records_and_paid_through_the_ledger(
    programme_2009: Any,
    institution: Any,
    trainer: User,
    reviewer: User,
    office: User,
    finance: User,
    later: Callable[[int], None],
) -> None:
    completed(trainer, programme_2009, IDS[0])
    approval = approve_for(trainer, reviewer, institution)
    claim = claims.institution_reward_generate(acting_user=trainer, year=2009, commitment_signed=True)
    assert claim.status == S.SUBMITTED and claim.training_institution_id == institution.pk
    assert claim.rule_id == "HZ-17a" and claim.basis == "eligible" and claim.calculated_amount_cny is None
    assert claim.result["applied"]["rule"] == "HZ-17a" and claim.result["applied"]["trace"]
    reward = claim.facts["reward"]
    assert reward["approval"] == approval.pk
    assert reward["programmes"] == [
        {
            "programme": programme_2009.pk,
            "name": programme_2009.name_zh,
            "kind": "pre_job",
            "enrolled": 1,
            "completed": 1,
            "hired": 0,
        }
    ]
    [certificate] = claim.evidence.all()
    assert certificate.kind == EvidenceKind.CERTIFICATE and certificate.sha256 == approval.document_sha256
    assert certificate.stored_name != approval.document_stored  # its own copy
    # A second claim for the year, by either channel, is refused.
    with pytest.raises(DomainError) as again:
        claims.institution_reward_generate(acting_user=trainer, year=2009, commitment_signed=True)
    assert again.value.code == "duplicate"
    # The policy names no amount: the department proposes one with its reason; the ledger commits and pays it.
    application_transition(acting_user=reviewer, application=claim, action="start_review")
    with pytest.raises(DomainError):
        application_recommend(acting_user=reviewer, application=claim, amount="20000.00", reason="")
    application_recommend(acting_user=reviewer, application=claim, amount="20000.00", reason="按年度培训规模核定")
    application_transition(acting_user=office, application=claim, action="approve")
    later(30)
    application_transition(acting_user=office, application=claim, action="final_approve")
    claim.refresh_from_db()
    paid = application_record_payment(
        acting_user=finance, application=claim, amount=claim.approved_amount_cny, idempotency_key=f"pay-{claim.pk}"
    )
    assert paid.status == S.PAID
    assert Commitment.objects.get(application=paid).paid == Decimal("20000.00")
    assert not ledger_reconcile()


def test_reward_refusals(
    routing: Any, institution: Any, trainer: User, reviewer: User, office: User, employer_user: User
) -> None:
    def refused(user: User = trainer, year: Any = 2009, signed: bool = True) -> str:
        with pytest.raises(DomainError) as exc:
            claims.institution_reward_generate(acting_user=user, year=year, commitment_signed=signed)
        return exc.value.code

    with pytest.raises(PermissionDeniedError):
        claims.institution_reward_generate(acting_user=employer_user, year=2009, commitment_signed=True)
    assert refused(signed=False) == "commitment_missing"
    assert refused(year=2999) == "invalid_year"
    assert refused(year="2009") == "invalid_year"
    # Not approved in that year (the factory's flag alone is not an approval on record).
    assert refused() == "not_approved"
    approve_for(trainer, reviewer, institution, year=2010)
    assert refused() == "not_approved"
    approval = approve_for(trainer, reviewer, institution, year=2009)
    # Approved, but no recognised programme of 2009 with a trainee who completed.
    unrecognised = make_programme(
        institution, starts_on=START, ends_on=START, recognition=Recognition.NOT_RECOGNISED, name_zh="未认定"
    )
    completed(trainer, unrecognised, IDS[0])
    assert refused() == "no_programme"
    recognised = make_programme(institution, starts_on=START, ends_on=START)
    completed(trainer, recognised, IDS[1], name="王五")
    # The approval document on record was altered: refused, nothing written.
    path = evidence_files.path_of(approval.document_stored)
    original = path.read_bytes()
    path.write_bytes(original.replace(b"%%EOF", b"%%EOF\n% changed"))
    assert refused() == "evidence_mismatch"
    path.write_bytes(original)
    institutions.institution_suspend(acting_user=office, institution=institution, suspend=True, reason="检查")
    assert refused() == "suspended"
    assert not Application.objects.filter(rule_id="HZ-17a").exists()
    institutions.institution_suspend(acting_user=office, institution=institution, suspend=False)
    assert claims.institution_reward_generate(acting_user=trainer, year=2009, commitment_signed=True).pk


def test_reward_through_the_page(
    routing: Any,
    institution: Any,
    trainer: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    client = client_for(trainer)
    assert 'id="reward"' in client.get("/talent/programmes/").content.decode()
    page = client.post("/talent/reward/", {"year": "2009", "commitment": "on"}, follow=True)
    assert "2009" in page.content.decode() and not Application.objects.exists()  # refused with its reason
    programme = make_programme(institution, starts_on=START, ends_on=START)
    completed(trainer, programme, IDS[0])
    approve_for(trainer, reviewer, institution)
    response = client.post("/talent/reward/", {"year": "2009", "commitment": "on"})
    claim = Application.objects.get(rule_id="HZ-17a")
    assert response.status_code == 302 and response["Location"] == f"/applications/{claim.pk}/"
    assert client.post("/talent/reward/", {"year": "abc"}).status_code == 302
    assert client_for(reviewer).post("/talent/reward/", {"year": "2009", "commitment": "on"}).status_code == 403
