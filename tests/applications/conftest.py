"""Application fixtures: routing and funds loaded, a reviewer per department, evidence files, the apply helper."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories import TrainingInstitutionFactory, make_user
from waibao.accounts.models import Role, User
from waibao.applications.dataset import load_routing_dataset
from waibao.applications.models import Application
from waibao.governance.models import Department
from waibao.ledger.dataset import load_ledger_dataset

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def pdf_file(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def routing(dataset: Path) -> Path:
    """Routing (routing.yaml) and the funds with their 2007–2010 budgets (funds.yaml)."""
    load_routing_dataset(dataset)
    load_ledger_dataset(dataset)
    return dataset


@pytest.fixture
def reviewer_sti(routing: Path) -> User:
    return make_user(
        Role.DEPARTMENT_REVIEWER, username="reviewer-sti", department=Department.objects.get(code="science-technology")
    )


@pytest.fixture
def reviewer_finance_dept(routing: Path) -> User:
    """A reviewer of the Finance Bureau: a partner department on the training rules."""
    return make_user(
        Role.DEPARTMENT_REVIEWER, username="reviewer-fin", department=Department.objects.get(code="finance")
    )


@pytest.fixture
def institution_user(routing: Path) -> User:
    return make_user(
        Role.TRAINING_INSTITUTION, username="school", training_institution=TrainingInstitutionFactory(approved=True)
    )


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Move the applications' "today" forward by some days (the notice period without waiting)."""

    def move(days: int) -> None:
        target = timezone.localdate() + datetime.timedelta(days=days)
        monkeypatch.setattr("waibao.applications.services.today", lambda: target)

    return move


def apply(
    client: Client,
    rule_id: str,
    year: int,
    data: dict[str, Any],
    *,
    files: dict[str, bytes] | None = None,
    submit: bool = True,
    commitment: bool = True,
) -> Any:
    """POST the new-application form as a browser would; returns the response."""
    post: dict[str, Any] = dict(data)
    for kind, content in (files or {}).items():
        post[f"evidence_{kind}"] = SimpleUploadedFile(f"{kind}.pdf", content)
    if commitment:
        post["commitment"] = "on"
    post["submit" if submit else "save"] = "1"
    return client.post(f"/applications/new/?rule={rule_id}&year={year}", post)


def latest(**filters: Any) -> Application:
    return Application.objects.filter(**filters).order_by("-pk").first()  # type: ignore[return-value]


def code_sent_to(contact: str) -> str:
    """The confirmation code in the last e-mail sent to `contact`."""
    import re

    from django.core import mail

    message = [m for m in mail.outbox if contact in m.to][-1]
    found = re.search(r"\b(\d{6})\b", message.subject)
    assert found, message.subject
    return found.group(1)


def lodge_confirmed(
    application: Application,
    *,
    name: str = "王五",
    contact: str = "objector@example.com",
    text: str = "The export figure is wrong",
    client: str = "",
    admit_by: User | None = None,
) -> Any:
    """An objection lodged, confirmed with the code mailed to the contact, and (with `admit_by`) admitted."""
    from django.test import TestCase

    from waibao.applications.services import objection_confirm, objection_lodge, objection_triage

    with TestCase.captureOnCommitCallbacks(execute=True):
        objection = objection_lodge(application=application, name=name, contact=contact, text=text, client=client)
    objection = objection_confirm(objection=objection, code=code_sent_to(contact))
    if admit_by is not None:
        objection = objection_triage(acting_user=admit_by, objection=objection, admit=True)
    return objection


def object_over_http(client: Client, application: Application, *, contact: str = "objector@example.com") -> Any:
    """A visitor objects on /notice/ and confirms with the mailed code; returns the confirmation response."""
    from django.test import TestCase

    post = {"application": application.pk, "name": "王五", "contact": contact, "text": "The export figure is wrong"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        step_one = client.post("/notice/", post)
    assert step_one.status_code == 200, step_one.content.decode()[-2000:]
    ticket = step_one.context["form"].initial["ticket"]
    return client.post("/notice/confirm/", {"ticket": ticket, "code": code_sent_to(contact)})
