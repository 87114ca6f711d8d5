"""Images and documents uploaded in the CMS pass the platform's file checks, as evidence does: the type is read
from the content, the extension must match it, Office files with macros and oversized files are refused; a
refused upload writes nothing. Through the CMS's own add pages (single and multiple upload)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from tests.applications.conftest import PDF, docx_bytes
from tests.applications.test_evidence import POLYGLOT, macro_document, macro_workbook
from waibao.accounts.models import User
from waibao.website.models import SiteHomePage
from waibao.website.services import ensure_site

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def add_image(client: Any, name: str, content: bytes) -> Any:
    return client.post("/cms/images/add/", {"title": name, "file": SimpleUploadedFile(name, content)})


def add_document(client: Any, name: str, content: bytes) -> Any:
    return client.post("/cms/documents/add/", {"title": name, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("photo.jpg", png_bytes(), "extension"),  # a PNG named .jpg
        ("photo.png", b"#!/bin/sh\necho pwned\n" + b"\x00" * 64, "type"),  # a script named .png
        ("photo.png", POLYGLOT, "type"),  # a PDF/HTML polyglot named as an image
    ],
)
def test_the_cms_refuses_an_image_that_is_not_what_it_says(
    site: SiteHomePage, office: User, client_for: Any, name: str, content: bytes, reason: str
) -> None:
    response = add_image(client_for(office), name, content)
    assert response.status_code == 200  # the form again, with its error
    assert Image.objects.count() == 0
    errors = response.context["form"].errors["file"]
    assert errors, reason


def test_the_cms_keeps_a_real_image_and_refuses_one_over_the_size_cap(
    site: SiteHomePage, office: User, client_for: Any, settings: Any
) -> None:
    client = client_for(office)
    assert add_image(client, "photo.png", png_bytes()).status_code == 302
    assert add_image(client, "photo.jpeg", jpeg_bytes()).status_code == 302
    assert Image.objects.count() == 2
    settings.WAIBAO_EVIDENCE_MAX_BYTES = 100
    response = add_image(client, "big.png", png_bytes())
    assert response.status_code == 200 and "photo" not in str(response.context["form"].errors["file"])
    assert Image.objects.count() == 2


@pytest.mark.parametrize(
    "name,content",
    [
        ("budget.xlsx", macro_workbook()),  # a VBA project inside
        ("budget.xlsx", macro_workbook(declared_only=True)),  # declared macro-enabled
        ("letter.docx", macro_document()),
        ("notice.pdf", docx_bytes()),  # a Word file named .pdf
        ("notice.docx", PDF),  # a PDF named .docx
        ("notice.pdf", b""),  # empty
    ],
)
def test_the_cms_refuses_a_document_with_macros_or_a_false_name(
    site: SiteHomePage, office: User, client_for: Any, name: str, content: bytes
) -> None:
    response = add_document(client_for(office), name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Document.objects.count() == 0


def test_the_cms_keeps_real_documents(site: SiteHomePage, office: User, client_for: Any) -> None:
    client = client_for(office)
    assert add_document(client, "notice.pdf", PDF).status_code == 302
    assert add_document(client, "letter.docx", docx_bytes()).status_code == 302
    assert sorted(Document.objects.values_list("file_hash", flat=True)) != []
    assert Document.objects.count() == 2


def test_the_multiple_upload_applies_the_same_checks(site: SiteHomePage, office: User, client_for: Any) -> None:
    client = client_for(office)
    refused = client.post("/cms/images/multiple/add/", {"files[]": SimpleUploadedFile("photo.jpg", png_bytes())}).json()
    assert refused["success"] is False and Image.objects.count() == 0
    kept = client.post("/cms/images/multiple/add/", {"files[]": SimpleUploadedFile("photo.png", png_bytes())}).json()
    assert kept["success"] is True and Image.objects.count() == 1
    refused_doc = client.post(
        "/cms/documents/multiple/add/", {"files[]": SimpleUploadedFile("budget.xlsx", macro_workbook())}
    ).json()
    assert refused_doc["success"] is False and Document.objects.count() == 0


def test_an_emptied_database_gets_the_editors_collection_rights_back(
    site: SiteHomePage, office: User, client_for: Any
) -> None:
    """`flush` (the crawl and the demo-city modules empty the database) removes the image and document rights Wagtail's
    migrations grant on the root collection; `ensure_site` grants them again, or every CMS upload is refused."""
    from wagtail.models import GroupCollectionPermission

    GroupCollectionPermission.objects.all().delete()
    ensure_site()
    rights = set(GroupCollectionPermission.objects.values_list("group__name", "permission__codename"))
    for group in ("Moderators", "Editors"):
        assert {(group, "add_image"), (group, "add_document"), (group, "choose_document")} <= rights
    assert add_image(client_for(office), "photo.png", png_bytes()).status_code == 302
    assert Image.objects.count() == 1
