"""Job seekers: registration (throttled, no second factor), the CV checked like evidence, the identity number
kept as personal data, applying, and the enterprise's shortlist and hire with its signal."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from tests.recruitment.conftest import PDF, TODAY, VALID_ID, register_seeker, seeker_profile
from waibao.accounts.mfa import needs_second_factor
from waibao.accounts.models import Role, User
from waibao.applications import evidence
from waibao.audit.models import AuditEvent
from waibao.common import personal_id
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.recruitment import services
from waibao.recruitment.models import Candidacy, CandidacyStatus, JobSeeker
from waibao.recruitment.signals import hire_recorded

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "李四",
        "email": "lisi@example.com",
        "phone": "",
        "username": "lisi",
        "password": "Correct-Horse-9",
        "password_again": "Correct-Horse-9",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_job_seeker_registers_and_lands_on_their_page(dataset: Any) -> None:
    client = Client()
    response = client.post("/careers/register/", _form())
    assert response.status_code == 302 and response["Location"] == "/careers/me/"
    user = User.objects.get(username="lisi")
    assert user.role == Role.JOB_SEEKER and JobSeeker.objects.filter(user=user).exists()
    assert not needs_second_factor(user), "job seekers have no second factor"
    assert client.get("/careers/me/").status_code == 200
    assert client.get("/work/")["Location"] == "/careers/me/", "the role's home"
    assert AuditEvent.objects.filter(action="job_seeker.registered").count() == 1


def test_registration_refuses_bad_input_with_messages(dataset: Any) -> None:
    client = Client()
    page = client.post("/careers/register/", _form(password_again="different-9"))
    assert page.status_code == 200 and 'class="errorlist' in page.content.decode()
    weak = client.post("/careers/register/", _form(password="123", password_again="123"))
    assert weak.status_code == 200 and not User.objects.filter(username="lisi").exists()
    robot = client.post("/careers/register/", _form(website="http://spam.example"))
    assert robot.status_code == 400 and not User.objects.filter(username="lisi").exists()
    register_seeker("taken", cv=False)
    taken = client.post("/careers/register/", _form(username="TAKEN"))
    assert taken.status_code == 200 and User.objects.filter(username__iexact="taken").count() == 1


@override_settings(WAIBAO_REGISTRATIONS_PER_HOUR=2)
def test_registration_is_throttled_per_address(dataset: Any) -> None:
    client = Client()
    for n in range(2):
        assert client.post("/careers/register/", _form(username=f"p{n}", email=f"p{n}@example.com")).status_code == 302
        Client().logout()
        client = Client()
    third = client.post("/careers/register/", _form(username="p3", email="p3@example.com"))
    assert third.status_code == 200 and not User.objects.filter(username="p3").exists()


# --- the CV -------------------------------------------------------------------------------------------------


def _docm() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("word/vbaProject.bin", b"macro")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"<html><script>alert(1)</script>", "cv.pdf", "file_type"),
        (b"", "cv.pdf", "empty_file"),
        (_docm(), "cv.docx", "file_type"),
    ],
)
def test_a_cv_is_checked_like_evidence(seeker: User, content: bytes, name: str, code: str) -> None:
    profile = seeker_profile(seeker)
    before = profile.cv_stored
    with pytest.raises(DomainError) as refused:
        services.cv_upload(acting_user=seeker, seeker=profile, stream=io.BytesIO(content), name=name)
    assert refused.value.code == code
    profile.refresh_from_db()
    assert profile.cv_stored == before, "the CV in place is kept"


@override_settings(WAIBAO_EVIDENCE_MAX_BYTES=1024)
def test_a_cv_too_large_is_refused_on_the_page(seeker: User, client_for: ClientFor) -> None:
    big = io.BytesIO(PDF + b"0" * 2048)
    big.name = "big.pdf"
    page = client_for(seeker).post("/careers/me/cv/", {"cv": big})
    assert page.status_code == 400 and "big.pdf" in page.content.decode()


def test_the_cv_is_served_to_its_owner_only_as_an_attachment(seeker: User, client_for: ClientFor) -> None:
    response = client_for(seeker).get("/careers/me/cv/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


# --- the identity number --------------------------------------------------------------------------------------


def _update(user: User, **kw: Any) -> JobSeeker:
    values: dict[str, Any] = {
        "full_name": "王小明",
        "phone": "",
        "education": "",
        "graduation_year": None,
        "languages": ["zh"],
        "summary": "",
        "id_type": "resident_id",
        "id_number": "",
    }
    values.update(kw)
    return services.job_seeker_update(acting_user=user, seeker=seeker_profile(user), **values)


def test_the_identity_number_is_validated_hashed_and_masked(seeker: User) -> None:
    with pytest.raises(DomainError) as refused:
        _update(seeker, id_number="330106199001011234")  # wrong check character
    assert refused.value.field == "id_number"
    profile = _update(seeker, id_number=VALID_ID.lower())
    assert profile.id_masked == "3301**********123X"
    assert profile.id_hash == personal_id.id_hash("resident_id", VALID_ID)
    assert VALID_ID not in profile.id_encrypted and personal_id.decrypt(profile.id_encrypted) == VALID_ID
    kept = _update(seeker, id_number="")
    assert kept.id_hash == profile.id_hash, "an empty field keeps the number given"
    event = AuditEvent.objects.filter(action="job_seeker.updated").first()
    assert event is not None and VALID_ID not in str(event.data) and VALID_ID not in event.summary
    removed = services.job_seeker_remove_id(acting_user=seeker, seeker=kept)
    assert (removed.id_hash, removed.id_masked, removed.id_encrypted) == ("", "", "")


def test_a_job_seeker_cannot_change_another_profile(seeker: User, other_seeker: User) -> None:
    with pytest.raises(PermissionDeniedError):
        services.job_seeker_update(
            acting_user=other_seeker,
            seeker=seeker_profile(seeker),
            full_name="x",
            phone="",
            education="",
            graduation_year=None,
            languages=[],
            summary="",
        )


def test_the_number_never_reaches_the_enterprise_or_the_public(
    seeker: User, employer: User, make_posting: Any, client_for: ClientFor
) -> None:
    _update(seeker, id_number=VALID_ID)
    posting = make_posting("published")
    candidacy = services.candidacy_create(acting_user=seeker, posting=posting)
    own = client_for(seeker).get("/careers/me/").content.decode()
    assert "3301**********123X" in own and VALID_ID not in own
    for client, url in (
        (client_for(employer), f"/careers/applications/{candidacy.pk}/"),
        (client_for(employer), f"/careers/{posting.pk}/applicants/"),
        (client_for(None), f"/careers/{posting.pk}/"),
        (client_for(None), "/careers/"),
        (client_for(None), "/careers/feed/"),
    ):
        body = client.get(url).content.decode()
        assert VALID_ID not in body and "3301**********" not in body, url
        assert not personal_id.RESIDENT_ID_IN_TEXT.search(body), url
    public = client_for(None).get(f"/careers/{posting.pk}/").content.decode()
    assert "王小明" not in public and "13800000000" not in public, "no applicant on the public page"


# --- applying, shortlisting, hiring ----------------------------------------------------------------------------


def test_apply_shortlist_and_hire_send_the_signal(
    seeker: User, employer: User, make_posting: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _update(seeker, id_number=VALID_ID)
    posting = make_posting("published")
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        from django.db import transaction

        assert transaction.get_connection().in_atomic_block, "sent inside the transaction"
        kwargs["proof_bytes"] = kwargs["proof"].stream.read()
        received.append(kwargs)

    hire_recorded.connect(receiver, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            candidacy = services.candidacy_create(acting_user=seeker, posting=posting, letter="您好")
        assert mail.outbox and mail.outbox[-1].to == ["hr@example.com"], "the enterprise is told"
        with pytest.raises(DomainError) as twice:
            services.candidacy_create(acting_user=seeker, posting=posting)
        assert twice.value.code == "duplicate"
        shortlisted = services.candidacy_decide(acting_user=employer, candidacy=candidacy, action="shortlist")
        assert shortlisted.status == CandidacyStatus.SHORTLISTED
        hired = services.candidacy_hire(
            acting_user=employer,
            candidacy=candidacy,
            contract_date=TODAY,
            proof_kind="labour_contract",
            proof_stream=io.BytesIO(PDF),
            proof_name="contract.pdf",
            today=TODAY,
        )
    finally:
        hire_recorded.disconnect(receiver)
    assert hired.status == CandidacyStatus.HIRED and hired.contract_date == TODAY
    assert len(received) == 1
    kwargs = received[0]
    assert kwargs["person_id_hash"] == personal_id.id_hash("resident_id", VALID_ID)
    assert kwargs["employer"] == employer.enterprise
    assert kwargs["contract_date"] == TODAY
    assert kwargs["proof"].kind == "labour_contract" and kwargs["proof"].name == "contract.pdf"
    assert kwargs["proof_bytes"] == PDF
    assert kwargs["source_ref"] == f"recruitment:application:{candidacy.pk}"
    assert kwargs["actor"] == employer
    assert evidence.path_of(hired.proof_stored).read_bytes() == PDF


def test_a_receiver_that_refuses_rolls_the_hire_back(seeker: User, employer: User, make_posting: Any) -> None:
    candidacy = services.candidacy_create(acting_user=seeker, posting=make_posting("published"))
    files_before = sorted(p.name for p in evidence.evidence_dir().iterdir())

    def refuse(sender: Any, **kwargs: Any) -> None:
        raise DomainError("refused by the talent area", code="refused")

    hire_recorded.connect(refuse, weak=False)
    try:
        with pytest.raises(DomainError):
            services.candidacy_hire(
                acting_user=employer,
                candidacy=candidacy,
                contract_date=TODAY,
                proof_kind="social_insurance",
                proof_stream=io.BytesIO(PDF),
                proof_name="insurance.pdf",
                today=TODAY,
            )
    finally:
        hire_recorded.disconnect(refuse)
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED and not candidacy.proof_stored
    files_after = sorted(p.name for p in evidence.evidence_dir().iterdir())
    assert files_after == files_before, "the proof written for the hire is removed again"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"contract_date": TODAY + datetime.timedelta(days=1)}, "contract_date"),
        ({"proof_kind": "selfie"}, "proof_kind"),
        ({"proof_stream": io.BytesIO(b"MZ\x90\x00")}, "file_type"),
    ],
)
def test_a_bad_hire_is_refused(seeker: User, employer: User, make_posting: Any, kw: dict[str, Any], code: str) -> None:
    candidacy = services.candidacy_create(acting_user=seeker, posting=make_posting("published"))
    values: dict[str, Any] = {
        "contract_date": TODAY,
        "proof_kind": "labour_contract",
        "proof_stream": io.BytesIO(PDF),
        "proof_name": "c.pdf",
    }
    values.update(kw)
    with pytest.raises(DomainError) as refused:
        services.candidacy_hire(acting_user=employer, candidacy=candidacy, today=TODAY, **values)
    assert refused.value.code == code
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED


def test_only_the_posting_enterprise_decides(
    seeker: User, other_employer: User, make_posting: Any, other_seeker: User
) -> None:
    candidacy = services.candidacy_create(acting_user=seeker, posting=make_posting("published"))
    with pytest.raises(PermissionDeniedError):
        services.candidacy_decide(acting_user=other_employer, candidacy=candidacy, action="shortlist")
    with pytest.raises(PermissionDeniedError):
        services.candidacy_withdraw(acting_user=other_seeker, candidacy=candidacy)
    withdrawn = services.candidacy_withdraw(acting_user=seeker, candidacy=candidacy)
    assert withdrawn.status == CandidacyStatus.WITHDRAWN


def test_applying_needs_a_cv_and_an_open_posting(make_posting: Any, dataset: Any) -> None:
    no_cv = register_seeker("nocv", cv=False, email="nocv@example.com")
    posting = make_posting("published")
    with pytest.raises(DomainError) as missing:
        services.candidacy_create(acting_user=no_cv, posting=posting)
    assert missing.value.code == "cv_missing"
    with_cv = register_seeker("withcv", email="withcv@example.com")
    for state in ("draft", "submitted", "expired"):
        with pytest.raises(DomainError) as closed:
            services.candidacy_create(acting_user=with_cv, posting=make_posting(state))
        assert closed.value.code == "posting_closed"
    assert not Candidacy.objects.exists()


def test_the_cv_sent_is_a_copy(seeker: User, make_posting: Any) -> None:
    candidacy = services.candidacy_create(acting_user=seeker, posting=make_posting("published"))
    newer = b"%PDF-1.4\nnewer\n%%EOF\n"
    services.cv_upload(acting_user=seeker, seeker=seeker_profile(seeker), stream=io.BytesIO(newer), name="new.pdf")
    assert evidence.path_of(candidacy.cv_stored).read_bytes() == PDF, "what was sent stays as sent"


def test_the_hire_through_the_pages(seeker: User, employer: User, make_posting: Any, client_for: ClientFor) -> None:
    posting = make_posting("published")
    seeker_client = client_for(seeker)
    sent = seeker_client.post(f"/careers/{posting.pk}/apply/", {"letter": "期待面试"})
    candidacy = Candidacy.objects.get()
    assert sent["Location"] == f"/careers/applications/{candidacy.pk}/"
    employer_client = client_for(employer)
    assert (
        employer_client.post(f"/careers/applications/{candidacy.pk}/decide/", {"action": "shortlist"}).status_code
        == 302
    )
    bad = employer_client.post(
        f"/careers/applications/{candidacy.pk}/hire/",
        {"contract_date": "2026-13-40", "proof_kind": "labour_contract", "proof": io.BytesIO(PDF)},
    )
    assert bad.status_code == 400
    proof = io.BytesIO(PDF)
    proof.name = "contract.pdf"
    done = employer_client.post(
        f"/careers/applications/{candidacy.pk}/hire/",
        {"contract_date": TODAY.isoformat(), "proof_kind": "labour_contract", "proof": proof},
    )
    assert done.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.HIRED
    assert seeker_client.get(f"/careers/applications/{candidacy.pk}/proof/file/").status_code == 200
    again = employer_client.post(f"/careers/applications/{candidacy.pk}/decide/", {"action": "decline"})
    assert again.status_code == 302, "refused with a message, not an error page"
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.HIRED
