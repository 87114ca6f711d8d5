"""An enterprise's own systems file the annual report for the top-ten selection through the API (as the report
page allows: the enterprise's users), then submit it; bad figures, a year not yet ended, another enterprise and a
read-only token are refused without writing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.topten.conftest import YEAR
from waibao.accounts.models import User
from waibao.api.scopes import all_scopes
from waibao.api.services import token_create
from waibao.topten.models import AnnualReport

pytestmark = pytest.mark.django_db

BODY = {"year": YEAR, "taxes_paid_cny": "120000.50", "rd_expense_cny": "80000", "patents": 3, "graduate_employees": 40}


def bearer(user: User, scopes: list[str] | None = None) -> dict[str, str]:
    raw = token_create(acting_user=user, name="erp", scopes=scopes or all_scopes(), days=30, verified_session=True).raw
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(path: str, body: dict[str, Any] | None, auth: dict[str, str]) -> Any:
    return Client().post(path, body or {}, content_type="application/json", **auth)


def test_an_enterprise_system_files_and_submits_its_annual_report(
    enterprise_user: User, other_enterprise_user: User, office: User
) -> None:
    auth = bearer(enterprise_user)
    saved = post("/api/v1/topten/reports", BODY, auth)
    assert saved.status_code == 200, saved.content
    report = saved.json()
    assert report["status"] == "draft" and report["taxes_paid_cny"] == "120000.50" and report["patents"] == 3
    # The same year again changes the draft (one report per enterprise and year).
    again = post("/api/v1/topten/reports", {**BODY, "patents": 4}, auth).json()
    assert again["id"] == report["id"] and again["patents"] == 4
    # Refused, nothing written: a negative count, a bad amount, a year that has not ended.
    bad = post("/api/v1/topten/reports", {**BODY, "year": YEAR - 1, "patents": -1}, auth)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "patents"
    money = post("/api/v1/topten/reports", {**BODY, "year": YEAR - 1, "rd_expense_cny": "lots"}, auth)
    assert money.status_code == 400 and money.json()["error"]["field"] == "rd_expense_cny"
    from django.utils import timezone

    current = post("/api/v1/topten/reports", {**BODY, "year": timezone.localdate().year}, auth)
    assert current.status_code == 400 and current.json()["error"]["field"] == "year"
    assert AnnualReport.objects.count() == 1

    submitted = post(f"/api/v1/topten/reports/{report['id']}/submit", None, auth)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    frozen = post("/api/v1/topten/reports", BODY, auth)
    assert frozen.status_code == 400 and frozen.json()["error"]["code"] == "not_editable"
    assert post(f"/api/v1/topten/reports/{report['id']}/submit", None, auth).status_code == 400

    # Another enterprise neither reads nor submits it; the office does not file for an enterprise here;
    # a read-only token does not write.
    other = bearer(other_enterprise_user)
    assert Client().get(f"/api/v1/topten/reports/{report['id']}", **other).status_code in (403, 404)
    assert post(f"/api/v1/topten/reports/{report['id']}/submit", None, other).status_code in (403, 404)
    assert post("/api/v1/topten/reports", BODY, bearer(office)).status_code == 403
    reader = bearer(other_enterprise_user, ["topten:read"])
    assert post("/api/v1/topten/reports", BODY, reader).status_code == 403
    assert Client().get(f"/api/v1/topten/reports/{report['id']}", **bearer(office)).json()["status"] == "submitted"
    assert AnnualReport.objects.count() == 1
