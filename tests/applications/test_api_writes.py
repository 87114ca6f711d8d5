"""An enterprise's own system applies through /api/v1/applications with a personal token: a draft for a rule
with its facts, evidence with the same file checks as the page, submit, follow the status, withdraw; the
token's write scope, the access check and the form's validation hold as on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.applications.conftest import PDF
from waibao.accounts.models import User
from waibao.api.scopes import all_scopes
from waibao.api.services import token_create
from waibao.applications.models import Application, ApplicationStatus, Evidence

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def bearer(user: User, scopes: list[str] | None = None) -> dict[str, str]:
    raw = token_create(acting_user=user, name="erp", scopes=scopes or all_scopes(), days=30, verified_session=True).raw
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client: Client, path: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(path, body, content_type="application/json", **auth)


DRAFT = {"rule": "HZ-12a", "year": 2008, "facts": {"software_export_usd": "600000"}, "commitment_signed": True}


def test_an_enterprise_system_drafts_submits_and_follows_an_application(
    routing: Any, enterprise_user: User, other_enterprise_user: User, reviewer: User
) -> None:
    client, auth = Client(), bearer(enterprise_user)
    created = post(client, "/api/v1/applications", DRAFT, auth)
    assert created.status_code == 201, created.content
    body = created.json()
    application_id = body["id"]
    assert (
        body["status"] == S.DRAFT
        and body["rule"] == "HZ-12a"
        and body["facts"]["facts"] == {"software_export_usd": "600000.00"}
    )

    # Submitting without the required contract evidence is refused, nothing changes.
    refused = post(client, f"/api/v1/applications/{application_id}/submit", {}, auth)
    assert refused.status_code == 400 and refused.json()["error"]["code"]
    assert Application.objects.get(pk=application_id).status == S.DRAFT

    # Evidence goes through the page's file checks: a script named .pdf is refused; a real PDF is stored.
    fake = SimpleUploadedFile("contract.pdf", b"#!/bin/sh\nrm -rf /\n")
    bad = client.post(f"/api/v1/applications/{application_id}/evidence", {"kind": "contract", "file": fake}, **auth)
    assert bad.status_code in (400, 422) and bad.json()["error"]["code"]
    assert not Evidence.objects.filter(application_id=application_id).exists()
    good = client.post(
        f"/api/v1/applications/{application_id}/evidence",
        {"kind": "contract", "file": SimpleUploadedFile("contract.pdf", PDF)},
        **auth,
    )
    assert good.status_code == 201, good.content
    assert good.json()[0]["kind"] == "contract" and good.json()[0]["size"] == len(PDF)

    # The facts can be changed while it is a draft.
    changed = client.put(
        f"/api/v1/applications/{application_id}",
        {"facts": {"software_export_usd": "700000"}, "commitment_signed": True},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["facts"]["facts"]["software_export_usd"] == "700000.00"

    submitted = post(client, f"/api/v1/applications/{application_id}/submit", {}, auth)
    assert submitted.status_code == 200, submitted.content
    status = submitted.json()
    assert status["status"] == S.SUBMITTED and status["status_label"] and status["applicant_sees"]
    assert "withdraw" in status["actions"] and "submit" not in status["actions"]
    application = Application.objects.get(pk=application_id)
    assert application.status == S.SUBMITTED and application.calculated_amount_cny is not None
    # Submitted: no longer changed; submitting again is refused.
    frozen = client.put(
        f"/api/v1/applications/{application_id}", {"facts": {}}, content_type="application/json", **auth
    )
    assert frozen.status_code == 400 and frozen.json()["error"]["code"] == "not_editable"
    assert post(client, f"/api/v1/applications/{application_id}/submit", {}, auth).status_code == 400

    # Another enterprise neither reads nor acts on it; a reviewer reads its status but may not withdraw it.
    other = bearer(other_enterprise_user)
    assert client.get(f"/api/v1/applications/{application_id}/status", **other).status_code == 404
    assert post(client, f"/api/v1/applications/{application_id}/withdraw", {"reason": "x"}, other).status_code == 404
    desk = bearer(reviewer)
    read = client.get(f"/api/v1/applications/{application_id}/status", **desk)
    assert read.status_code == 200 and read.json()["status"] == S.SUBMITTED
    assert post(client, f"/api/v1/applications/{application_id}/withdraw", {"reason": "x"}, desk).status_code == 403

    # Withdrawing needs a reason; then the status says so.
    assert post(client, f"/api/v1/applications/{application_id}/withdraw", {"reason": ""}, auth).status_code == 400
    withdrawn = post(client, f"/api/v1/applications/{application_id}/withdraw", {"reason": "ERP test"}, auth)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == S.WITHDRAWN
    assert withdrawn.json()["reason"] == "ERP test"
    now = client.get(f"/api/v1/applications/{application_id}/status", **auth).json()
    assert now["status"] == S.WITHDRAWN and now["actions"] == []


def test_bad_input_scope_and_roles_are_refused_without_writing(
    routing: Any, enterprise_user: User, office: User
) -> None:
    client = Client()
    before = Application.objects.count()
    auth = bearer(enterprise_user)
    # A fact the form refuses names the field; an unknown rule names the rule; a missing fact is required.
    wrong = post(client, "/api/v1/applications", {**DRAFT, "facts": {"software_export_usd": "lots"}}, auth)
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "facts.software_export_usd"
    unknown = post(client, "/api/v1/applications", {**DRAFT, "rule": "HZ-99"}, auth)
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "rule"
    missing = post(client, "/api/v1/applications", {**DRAFT, "facts": {}}, auth)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "facts.software_export_usd"
    # A read-only token may read but not write.
    reader = bearer(enterprise_user, ["applications:read"])
    assert client.get("/api/v1/applications", **reader).status_code == 200
    assert post(client, "/api/v1/applications", DRAFT, reader).status_code == 403
    # The office does not apply; nobody anonymous does.
    assert post(client, "/api/v1/applications", DRAFT, bearer(office)).status_code == 403
    assert post(client, "/api/v1/applications", DRAFT, {}).status_code in (401, 403)
    assert Application.objects.count() == before
