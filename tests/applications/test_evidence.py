"""Evidence files: type and size from the content, stored under generated names, served only with permission."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook

from tests.applications.conftest import PDF, PNG, apply, docx_bytes, latest
from waibao.accounts.models import User
from waibao.applications.evidence import DOCX, JPEG, XLSX, check_upload, download_name, evidence_dir, sniff_type
from waibao.applications.evidence import PDF as PDF_TYPE
from waibao.applications.evidence import PNG as PNG_TYPE
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


# --- issue 9 §4: the download carries the detected type's extension; macro files are refused -----------

POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def macro_workbook(*, declared_only: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        kind = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{kind}"/></Types>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        if not declared_only:
            archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 vba")
    return buffer.getvalue()


def macro_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 vba")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content,name", [(macro_workbook(), "budget.xlsm"), (macro_workbook(declared_only=True), "budget.xlsx")]
)
def test_office_files_with_macros_are_refused(content: bytes, name: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_upload(io.BytesIO(content), name=name)
    assert refused.value.code == "file_type"


def test_word_file_with_macros_is_refused() -> None:
    assert sniff_type(macro_document()) is None


def test_download_name_takes_the_detected_type() -> None:
    assert download_name("report.html", PDF_TYPE) == "report.pdf"
    assert download_name("budget.xlsm", XLSX) == "budget.xlsx"
    assert download_name("photo", JPEG) == "photo.jpg"
    assert download_name("../../x.svg", PNG_TYPE) == "x.png"


@pytest.mark.django_db
def test_polyglot_pdf_html_is_served_as_pdf_attachment(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    owner = client_for(enterprise_user)
    apply(owner, "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF}, submit=False)
    application = latest(rule_id="HZ-12a")
    owner.post(
        f"/applications/{application.pk}/evidence/",
        {"kind": "invoice", "file": SimpleUploadedFile("report.html", POLYGLOT, content_type="text/html")},
    )
    row = application.evidence.get(original_name="report.html")
    response = owner.get(f"/applications/{application.pk}/evidence/{row.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert ".html" not in response["Content-Disposition"]
