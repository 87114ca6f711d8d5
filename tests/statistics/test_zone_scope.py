"""Issue 8 §3: zone staff see their zone's enterprises and figures only, in pages, exports and the API."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.factories import EnterpriseFactory, make_user
from tests.statistics.conftest import TODAY, contract_fields
from waibao.accounts.models import Role, User
from waibao.jobs.models import Job
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.services import contract_save, record_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_zones(rates: None, office: User) -> tuple[Enterprise, Enterprise]:
    """One enterprise in each of two zones, each with an approved 2007 contract of a different amount."""
    mine = EnterpriseFactory(name_zh="本区企业", zone=Zone.objects.get(code="htz"), contact_phone="0571-11111111")
    theirs = EnterpriseFactory(name_zh="外区企业", zone=Zone.objects.get(code="etdz"), contact_phone="0571-22222222")
    for enterprise, amount in ((mine, "100000"), (theirs, "777000")):
        contract = contract_save(
            acting_user=office, enterprise=enterprise, fields=contract_fields(amount=amount), today=TODAY
        )
        record_transition(acting_user=office, record=contract, action="submit", today=TODAY)
        record_transition(acting_user=office, record=contract, action="approve", today=TODAY)
    return mine, theirs


@pytest.fixture(params=[Role.DEPARTMENT_REVIEWER, Role.PROGRAMME_OFFICE, Role.FINANCE_OFFICER])
def zone_client(
    request: pytest.FixtureRequest, two_zones: object, client_for: Callable[[User | None], Client]
) -> Client:
    """Zone staff of every staff role (the zone limits what they see, whatever the role)."""
    return client_for(make_user(request.param, zone=Zone.objects.get(code="htz")))


def test_registry_list_export_and_api_hold_zone_staff_to_their_zone(
    zone_client: Client, two_zones: tuple[Enterprise, Enterprise]
) -> None:
    mine, theirs = two_zones
    listing = zone_client.get("/registry/enterprises/?per_page=100").content.decode()
    assert "本区企业" in listing and "外区企业" not in listing
    assert "外区企业" not in zone_client.get("/registry/enterprises/?zone=etdz").content.decode()
    # The export is a background job; it holds what its owner may read.
    assert zone_client.post("/registry/enterprises/export.xlsx").status_code == 302
    job = Job.objects.filter(kind="registry.enterprises_export").latest("pk")
    download = zone_client.get(f"/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert "本区企业" in cells and "外区企业" not in cells and "0571-22222222" not in cells
    api = zone_client.get("/api/v1/registry/enterprises?page_size=200").json()
    assert [e["id"] for e in api["results"]] == [mine.pk] and api["count"] == 1
    assert zone_client.get(f"/registry/enterprises/{theirs.pk}/").status_code == 404
    dashboard = zone_client.get("/registry/").content.decode()
    assert dashboard  # counts come from the zone's enterprises (checked below through the selector)


def test_statistics_dashboard_export_and_api_show_the_zone_only(
    zone_client: Client, two_zones: tuple[Enterprise, Enterprise]
) -> None:
    mine, theirs = two_zones
    page = zone_client.get("/statistics/?from=2007-01-01&to=2007-12-31&by=enterprise").content.decode()
    assert "本区企业" in page and "外区企业" not in page
    assert "777,000" not in page and "877,000" not in page  # neither their amount nor the city total
    export = zone_client.get("/statistics/export.xlsx?from=2007-01-01&to=2007-12-31")
    book = load_workbook(io.BytesIO(export.content))
    values = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert theirs.credit_code not in values and mine.credit_code in values
    assert not any(v.startswith(("777000", "877000")) for v in values)
    rows = zone_client.get("/api/v1/statistics/indicators?date_from=2007-01-01&date_to=2007-12-31&by=zone").json()[
        "rows"
    ]
    assert [r["key"] for r in rows] == ["htz"] and rows[0]["contract_amount_usd"] == "100000.00"
    (total,) = zone_client.get("/api/v1/statistics/indicators?date_from=2007-01-01&date_to=2007-12-31").json()["rows"]
    assert total["contract_amount_usd"] == "100000.00"
    assert zone_client.get(f"/api/v1/statistics/facts/{theirs.pk}/2007").status_code == 404
    assert zone_client.get(f"/api/v1/statistics/facts/{mine.pk}/2007").status_code == 200


def test_city_wide_staff_still_see_every_zone(
    two_zones: tuple[Enterprise, Enterprise], finance: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(finance)
    (total,) = client.get("/api/v1/statistics/indicators?date_from=2007-01-01&date_to=2007-12-31").json()["rows"]
    assert total["contract_amount_usd"] == "877000.00"
    assert client.get("/api/v1/registry/enterprises").json()["count"] == 2


def test_registry_status_counts_follow_the_zone(two_zones: tuple[Enterprise, Enterprise]) -> None:
    from waibao.registry.access import enterprises_readable
    from waibao.registry.selectors import status_counts

    zone_staff = make_user(Role.DEPARTMENT_REVIEWER, zone=Zone.objects.get(code="htz"))
    assert sum(status_counts(enterprises_readable(zone_staff)).values()) == 1
    assert sum(status_counts().values()) == 2


def test_the_dashboard_links_the_review_only_for_those_who_review(
    office: User, finance: User, client_for: Callable[[User | None], Client]
) -> None:
    """The finance officer reads the dashboard but does not review statistics: no link to a page that refuses them."""
    assert 'href="/statistics/review/"' in client_for(office).get("/statistics/").content.decode()
    as_finance = client_for(finance)
    assert as_finance.get("/statistics/review/").status_code == 403
    page = as_finance.get("/statistics/")
    assert page.status_code == 200 and 'href="/statistics/review/"' not in page.content.decode()
