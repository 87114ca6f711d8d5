"""Issue 8 §7: the statistics API refuses what it does not understand and filters by what it does;
out-of-range input is a clear error, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory
from waibao.accounts.models import User
from waibao.statistics.models import Contract

pytestmark = pytest.mark.django_db

RANGE = "date_from=2007-01-01&date_to=2007-12-31"


@pytest.fixture
def api(finance: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(finance)


def rows(client: Client, query: str) -> list[dict[str, object]]:
    response = client.get(f"/api/v1/statistics/indicators?{RANGE}&{query}")
    assert response.status_code == 200, response.content
    return response.json()["rows"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("colour=blue", "colour"),
        ("zone=atlantis", "zone"),
        ("category=no-such-category", "category"),
        ("top_level=XYZ", "top_level"),
        ("country=ZZ", "country"),
        ("ownership=999", "ownership"),
        ("enterprise=999999", "enterprise"),
        ("enterprise=91330100NOTACODE00", "enterprise"),
        ("by=planet", "by"),
    ],
)
def test_unknown_parameters_and_codes_are_422_with_a_message(
    approved_contract: Callable[..., Contract], api: Client, query: str, field: str
) -> None:
    approved_contract()
    response = api.get(f"/api/v1/statistics/indicators?{RANGE}&{query}")
    assert response.status_code == 422, (query, response.content)
    error = response.json()["error"]
    assert error["field"] == field and error["message"]


def test_category_and_enterprise_filter(
    approved_contract: Callable[..., Contract], api: Client, ent_user: User
) -> None:
    contract = approved_contract()
    approved_contract(contract_no="HT-2", category="bpo-process-design", amount="50000")
    assert contract.category_id == "ito-software-dev"
    (ito,) = rows(api, "category=ito-software-dev")
    assert ito["contract_count"] == 1 and ito["contract_amount_usd"] == "100000.00"
    (bpo,) = rows(api, "category=bpo-process-design")
    assert bpo["contract_count"] == 1 and bpo["contract_amount_usd"] == "50000.00"
    (mine,) = rows(api, f"enterprise={contract.enterprise_id}")
    assert mine["contract_count"] == 2
    (by_code,) = rows(api, f"enterprise={contract.enterprise.credit_code}")
    assert by_code == mine
    other = EnterpriseFactory()
    (none,) = rows(api, f"enterprise={other.pk}")
    assert none["contract_count"] == 0


def test_known_zone_filters(approved_contract: Callable[..., Contract], api: Client) -> None:
    contract = approved_contract()
    assert contract.enterprise.zone is not None
    (row,) = rows(api, f"zone={contract.enterprise.zone.code}")
    assert row["contract_count"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/statistics/facts/{ent}/0",
        "/api/v1/statistics/facts/{ent}/99999",
        "/api/v1/statistics/indicators?date_from=0001-01-01&date_to=2007-12-31",
        "/api/v1/statistics/indicators?date_from=2007-01-01&date_to=9999-12-31",
    ],
)
def test_out_of_range_years_are_422(approved_contract: Callable[..., Contract], api: Client, url: str) -> None:
    contract = approved_contract()
    response = api.get(url.format(ent=contract.enterprise_id))
    assert response.status_code == 422, response.content
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("enterprise_id", ["99999999999999999999", "9223372036854775808", "0"])
def test_enterprise_ids_beyond_any_database_are_404(api: Client, dataset: object, enterprise_id: str) -> None:
    response = api.get(f"/api/v1/statistics/facts/{enterprise_id}/2026")
    assert response.status_code == 404
    assert api.get(f"/api/v1/registry/enterprises/{enterprise_id}").status_code == 404


def test_dashboard_with_year_one_is_a_clear_error(office: User, client_for: Callable[[User | None], Client]) -> None:
    client = client_for(office)
    for query in ("to=0001-01-01", "from=0001-01-01", "to=9999-12-31"):
        response = client.get(f"/statistics/?{query}")
        assert response.status_code == 422, query
        assert "1990" in response.content.decode()
        assert client.get(f"/statistics/export.xlsx?{query}").status_code == 422


def test_ledger_statement_month_year_one_is_a_form_error(
    finance: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(finance)
    response = client.get("/ledger/statement/?month=0001-01")
    assert response.status_code == 200
    assert "1990" in response.content.decode()
    assert client.get("/ledger/statement/export.xlsx?month=0001-01").status_code == 200


def test_every_endpoint_refuses_parameters_it_does_not_read(
    approved_contract: Callable[..., Contract], api: Client, client_for: Callable[[User | None], Client]
) -> None:
    contract = approved_contract()
    for url in (
        "/api/v1/statistics/goal?year=2007",
        f"/api/v1/statistics/facts/{contract.enterprise_id}/2007?zone=htz",
        "/api/v1/statistics/headline?zone=htz",
    ):
        response = api.get(url)
        assert response.status_code == 422, url
        assert "Supported" in response.json()["error"]["message"] or "支持" in response.json()["error"]["message"]
    # Signing in comes first: an anonymous caller learns nothing about the parameters of a staff endpoint.
    assert client_for(None).get("/api/v1/statistics/goal?year=2007").status_code == 401


def test_an_all_digit_credit_code_is_read_as_a_credit_code(
    approved_contract: Callable[..., Contract], api: Client, dataset: object
) -> None:
    """Credit codes may be all digits (913301060000046691): they are looked up as codes before ids."""
    from tests.factories import valid_credit_code

    code = next(c for c in (valid_credit_code(n) for n in range(1, 500)) if c.isdigit())
    contract = approved_contract()
    contract.enterprise.credit_code = code
    contract.enterprise.save(update_fields=["credit_code"])
    (row,) = rows(api, f"enterprise={code}")
    assert row["contract_count"] == 1
