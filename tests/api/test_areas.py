"""Every area through /api/v1 for the roles that may see it (the same access checks as the pages), the
enterprise's own systems filing statistics, pagination, unknown parameters and the stable error body."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.factories import make_user
from waibao.accounts.models import Role, User
from waibao.api.scopes import all_scopes
from waibao.api.services import token_create
from waibao.statistics.models import Contract, RecordStatus

pytestmark = pytest.mark.django_db


def as_token(user: User | None) -> dict[str, str]:
    if user is None:
        return {}
    raw = token_create(acting_user=user, name="t", scopes=all_scopes(), days=30, verified_session=True).raw
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# path → roles answered 200 (every other role: 401 anonymous, 403 signed in)
MATRIX = {
    "/api/v1/policy/package": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/policy/rules": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/policy/parameters": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/workdays/years": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/opendata/datasets": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/ledger/overview": {"office", "finance"},
    "/api/v1/ledger/commitments": {"office", "finance"},
    "/api/v1/statistics/contracts": {"enterprise", "office", "reviewer", "finance"},
    "/api/v1/statistics/executions": {"enterprise", "office", "reviewer", "finance"},
    "/api/v1/statistics/staffing-reports": {"enterprise", "office", "reviewer", "finance"},
    "/api/v1/website/sections": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/website/pages?section=news": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/topten/lists": {"public", "enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/governance/duties": {"office", "reviewer", "finance", "leader"},
    "/api/v1/registry/enterprises": {"office", "reviewer", "finance"},
    "/api/v1/applications": {"enterprise", "office", "reviewer", "finance", "leader"},
    "/api/v1/jobs": {"enterprise", "office", "reviewer", "finance", "leader"},
}


def test_every_area_answers_the_roles_that_may_see_it(
    enterprise_user: User, office: User, reviewer: User, finance: User, client_for: Callable[[User | None], Client]
) -> None:
    users: dict[str, User | None] = {
        "public": None,
        "enterprise": enterprise_user,
        "office": office,
        "reviewer": reviewer,
        "finance": finance,
        "leader": make_user(Role.CITY_LEADER, username="leader"),
    }
    headers = {role: as_token(user) for role, user in users.items()}
    client = Client()
    for path, allowed in MATRIX.items():
        for role in users:
            response = client.get(path, **headers[role])
            expected = 200 if role in allowed else (401 if role == "public" else 403)
            assert response.status_code == expected, (path, role, response.content[:200])
            if expected != 200:
                assert set(response.json()["error"]) == {"code", "message", "field"}


def test_an_enterprise_system_files_and_submits_a_contract(
    enterprise_user: User, other_enterprise_user: User, rates: None, client_for: Callable[[User | None], Client]
) -> None:
    from datetime import date
    from decimal import Decimal

    from waibao.statistics.models import ExchangeRate

    this_year = date.today().year
    ExchangeRate.objects.create(currency="USD", date=date(this_year, 1, 1), cny_per_unit=Decimal("7.1"))
    client, auth = Client(), as_token(enterprise_user)
    body = {
        "contract_no": "ERP-1",
        "client_name": "Acme",
        "client_country": "US",
        "category": "ito-software-dev",
        "currency": "USD",
        "amount": "120000.00",
        "signed_date": f"{this_year}-01-05",
    }
    created = client.post("/api/v1/statistics/contracts", body, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    contract_id = created.json()["id"]
    assert created.json()["status"] == RecordStatus.DRAFT and created.json()["amount"] == "120000.00"
    bad = client.post(
        "/api/v1/statistics/contracts", {**body, "client_country": "XX"}, content_type="application/json", **auth
    )
    assert bad.status_code in (400, 422) and bad.json()["error"]["field"] == "client_country"
    changed = client.put(
        f"/api/v1/statistics/contracts/{contract_id}",
        {**body, "amount": "130000"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["amount"] == "130000.00"
    submitted = client.post(f"/api/v1/statistics/contracts/{contract_id}/submit", **auth)
    assert submitted.status_code == 200 and submitted.json()["status"] == RecordStatus.SUBMITTED
    again = client.post(f"/api/v1/statistics/contracts/{contract_id}/submit", **auth)
    assert 400 <= again.status_code < 500 and again.json()["error"]["code"]
    # Another enterprise cannot read, change or file for it; nor name another enterprise.
    other = as_token(other_enterprise_user)
    assert client.get(f"/api/v1/statistics/contracts/{contract_id}", **other).status_code == 404
    assert client.post(f"/api/v1/statistics/contracts/{contract_id}/submit", **other).status_code == 404
    foreign = {**body, "enterprise_id": enterprise_user.enterprise_id}
    assert (
        client.post("/api/v1/statistics/contracts", foreign, content_type="application/json", **other).status_code
        == 404
    )
    listed = client.get("/api/v1/statistics/contracts?status=submitted&page_size=1", **auth).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == contract_id and listed["pages"] == 1
    assert Contract.objects.get(pk=contract_id).status == RecordStatus.SUBMITTED


def test_lists_page_and_refuse_unknown_parameters(office: User) -> None:
    client, auth = Client(), as_token(office)
    unknown = client.get("/api/v1/ledger/commitments?colour=red", **auth)
    assert unknown.status_code == 422
    assert unknown.json()["error"] == {
        "code": "unknown_parameter",
        "message": unknown.json()["error"]["message"],
        "field": "colour",
    }
    assert client.get("/api/v1/policy/rules?x=1").status_code == 422
    assert client.get("/api/v1/ledger/commitments?page_size=500", **auth).status_code == 422
    assert client.get("/api/v1/ledger/commitments?page=0", **auth).status_code == 422
    assert client.get("/api/v1/ledger/commitments?status=nope", **auth).status_code == 422
    page = client.get("/api/v1/ledger/commitments?page=7", **auth).json()
    assert page == {"count": 0, "page": 1, "pages": 1, "results": []}
    assert client.get("/api/v1/jobs/99999999999999999999999", **auth).status_code in (404, 422)
    assert client.get("/api/v1/no-such-area", **auth).status_code == 404


def test_an_enterprise_system_files_and_submits_a_staffing_report(
    enterprise_user: User, other_enterprise_user: User, office: User
) -> None:
    from datetime import date

    from waibao.statistics.models import StaffingReport

    client, auth = Client(), as_token(enterprise_user)
    this_year = date.today().year
    body = {"period_start": f"{this_year}-01-10", "employees": 120, "new_employees": 10, "new_graduates": 4}
    created = client.post("/api/v1/statistics/staffing-reports", body, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == RecordStatus.DRAFT and report["period_start"] == f"{this_year}-01-01"
    assert report["enterprise_id"] == enterprise_user.enterprise_id
    # More graduates than new employees, a second report for the same period, a negative count: refused.
    bad = client.post(
        "/api/v1/statistics/staffing-reports",
        {**body, "new_graduates": 11},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "new_graduates"
    twice = client.post("/api/v1/statistics/staffing-reports", body, content_type="application/json", **auth)
    assert twice.status_code == 400 and twice.json()["error"]["code"] == "duplicate"
    negative = client.post(
        "/api/v1/statistics/staffing-reports", {**body, "employees": -1}, content_type="application/json", **auth
    )
    assert negative.status_code == 422
    assert StaffingReport.objects.count() == 1
    changed = client.put(
        f"/api/v1/statistics/staffing-reports/{report['id']}",
        {**body, "employees": 125},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["employees"] == 125
    submitted = client.post(f"/api/v1/statistics/staffing-reports/{report['id']}/submit", **auth)
    assert submitted.status_code == 200 and submitted.json()["status"] == RecordStatus.SUBMITTED
    # Submitted: no longer changed; another enterprise cannot see it; a read-only token cannot file.
    frozen = client.put(
        f"/api/v1/statistics/staffing-reports/{report['id']}", body, content_type="application/json", **auth
    )
    assert frozen.status_code == 400 and frozen.json()["error"]["code"] == "not_editable"
    other = as_token(other_enterprise_user)
    assert client.get(f"/api/v1/statistics/staffing-reports/{report['id']}", **other).status_code == 404
    assert client.get("/api/v1/statistics/staffing-reports", **other).json()["count"] == 0
    raw = token_create(
        acting_user=enterprise_user, name="ro", scopes=["statistics:read"], days=30, verified_session=True
    ).raw
    reader = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    next_body = {**body, "period_start": f"{this_year}-02-10"}
    refused = client.post("/api/v1/statistics/staffing-reports", next_body, content_type="application/json", **reader)
    assert refused.status_code == 403
    listed = client.get("/api/v1/statistics/staffing-reports?status=submitted", **auth).json()
    assert [r["id"] for r in listed["results"]] == [report["id"]]
    assert client.get("/api/v1/statistics/staffing-reports", **as_token(office)).json()["count"] == 1
