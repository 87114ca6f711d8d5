"""Evidence files: type and size from the content, stored under generated names, served only with permission."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook

from tests.applications.conftest import PDF, PNG, apply, docx_bytes, latest
from waibao.accounts.models import User
from waibao.applications.evidence import DOCX, JPEG, XLSX, check_upload, evidence_dir, sniff_type
from waibao.applications.models import Application, ApplicationStatus, Evidence
from waibao.common.errors import DomainError

S = ApplicationStatus


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content,expected",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, JPEG),
        (None, DOCX),
        ("xlsx", XLSX),
        (b"<html><script>alert(1)</script></html>", None),
        (b"MZ\x90\x00 executable", None),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
    ],
)
def test_type_is_read_from_the_content(content: Any, expected: str | None) -> None:
    if content is None:
        content = docx_bytes()
    elif content == "xlsx":
        content = xlsx_bytes()
    assert sniff_type(content) == expected


def test_a_zip_that_is_not_an_office_file_is_refused() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    assert sniff_type(buffer.getvalue()) is None


def test_name_does_not_decide_the_type() -> None:
    with pytest.raises(DomainError) as refused:
        check_upload(io.BytesIO(b"<html></html>"), name="invoice.pdf")
    assert refused.value.code == "file_type"
    checked = check_upload(io.BytesIO(PDF), name="../../etc/passwd")
    assert checked.original_name == "passwd" and checked.content_type == "application/pdf"


def test_size_limit() -> None:
    with pytest.raises(DomainError) as refused:
        check_upload(io.BytesIO(PDF + b"x" * 100), name="big.pdf", limit=50)
    assert refused.value.code == "file_too_large"
    with pytest.raises(DomainError) as refused:
        check_upload(io.BytesIO(b""), name="empty.pdf")
    assert refused.value.code == "empty_file"


@pytest.mark.django_db
def test_stored_under_a_generated_name_and_served_with_permission(
    routing: Any,
    enterprise_user: User,
    other_enterprise_user: User,
    reviewer: User,
    reviewer_sti: User,
    client_for: Callable[[User | None], Client],
) -> None:
    owner = client_for(enterprise_user)
    response = apply(owner, "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    assert response.status_code == 302
    application = latest(rule_id="HZ-12a")
    row = application.evidence.get()
    assert row.original_name == "contract.pdf" and "contract" not in row.stored_name
    assert (evidence_dir() / row.stored_name).read_bytes() == PDF
    url = f"/applications/{application.pk}/evidence/{row.pk}/"
    response = owner.get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(other_enterprise_user).get(url).status_code == 404
    assert client_for(reviewer_sti).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    # An evidence id of another application is not served through this one.
    other = Application.objects.create(enterprise=other_enterprise_user.enterprise, rule_id="HZ-12a", year=2009)
    assert owner.get(f"/applications/{other.pk}/evidence/{row.pk}/").status_code == 404


@pytest.mark.django_db
def test_bad_file_refuses_the_whole_application(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    response = apply(
        client_for(enterprise_user),
        "HZ-12a",
        2008,
        {"fact__software_export_usd": "600000"},
        files={"contract": b"<html>not a pdf</html>"},
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert Application.objects.count() == 0 and Evidence.objects.count() == 0


@pytest.mark.django_db
@override_settings(WAIBAO_EVIDENCE_MAX_BYTES=100)
def test_too_large_file_refused_through_http(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    response = apply(
        client_for(enterprise_user),
        "HZ-12a",
        2008,
        {"fact__software_export_usd": "600000"},
        files={"contract": PDF + b"0" * 200},
    )
    assert response.status_code == 200 and Application.objects.count() == 0


@pytest.mark.django_db
def test_more_evidence_only_while_draft_or_returned(
    routing: Any, enterprise_user: User, reviewer: User, client_for: Callable[[User | None], Client]
) -> None:
    owner = client_for(enterprise_user)
    apply(owner, "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF}, submit=False)
    application = latest(rule_id="HZ-12a")
    assert application.status == S.DRAFT
    url = f"/applications/{application.pk}/evidence/"
    owner.post(url, {"kind": "invoice", "file": SimpleUploadedFile("i.pdf", PDF)})
    assert application.evidence.count() == 2
    owner.post(url, {"kind": "invoice", "file": SimpleUploadedFile("i.png", b"GIF89a")})
    assert application.evidence.count() == 2
    owner.post(f"/applications/{application.pk}/action/", {"action": "submit"})
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    owner.post(url, {"kind": "invoice", "file": SimpleUploadedFile("late.pdf", PDF)})
    assert application.evidence.count() == 2
    # A reviewer cannot add evidence to someone's application.
    client_for(reviewer).post(url, {"kind": "invoice", "file": SimpleUploadedFile("r.pdf", PDF)})
    assert application.evidence.count() == 2
