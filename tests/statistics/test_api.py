"""The statistics JSON endpoints (router tested on its own; the lead mounts it at /api/v1/statistics)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ninja.testing import TestClient

from tests.factories import make_user
from waibao.accounts.models import Role, User
from waibao.statistics.api import router
from waibao.statistics.models import Contract

pytestmark = pytest.mark.django_db

client = TestClient(router)


def test_indicators_endpoint_matches_the_command_format(
    approved_contract: Callable[..., Contract], finance: User, ent_user: User
) -> None:
    approved_contract()
    response = client.get("/indicators?date_from=2007-01-01&date_to=2007-12-31&by=zone,month", user=finance)
    assert response.status_code == 200
    (row,) = response.json()["rows"]
    assert row["contract_amount_usd"] == "100000.00" and "|2007-03" in row["key"]


def test_indicators_endpoint_refuses_enterprises_and_bad_input(
    approved_contract: Callable[..., Contract], ent_user: User, finance: User
) -> None:
    from waibao.common.errors import DomainError, PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        client.get("/indicators?date_from=2007-01-01&date_to=2007-12-31", user=ent_user)
    with pytest.raises(DomainError):
        client.get("/indicators?date_from=2007-01-01&date_to=2007-12-31&by=planet", user=finance)


def test_facts_for_own_enterprise_only(
    approved_contract: Callable[..., Contract], approved_execution: Callable[..., Any], ent_user: User
) -> None:
    from waibao.common.errors import NotFoundError

    contract = approved_contract()
    approved_execution(contract, amount="2500")
    response = client.get(f"/facts/{contract.enterprise_id}/2007", user=ent_user)
    assert response.json()["software_export_usd"] == "2500.00"
    stranger = make_user(Role.ENTERPRISE, username="stranger")
    with pytest.raises(NotFoundError):  # another enterprise's id cannot be probed
        client.get(f"/facts/{contract.enterprise_id}/2007", user=stranger)


def test_headline_is_public_and_goal_for_staff(approved_contract: Callable[..., Contract], office: User) -> None:
    approved_contract()
    headline = client.get("/headline").json()
    assert headline["year"] == 2007  # a closed year
    assert headline["total"]["contract_count"] is None  # one enterprise's figure is withheld
    goal = client.get("/goal", user=office).json()
    assert goal["base_year"] == 2005 and len(goal["years"]) == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [("date_from=0001-01-01&date_to=2007-12-31", "date_from"), ("date_from=2007-01-01&date_to=9999-12-31", "date_to")],
)
def test_indicators_endpoint_refuses_dates_outside_the_window(finance: User, query: str, field: str) -> None:
    from waibao.common.errors import DomainError

    with pytest.raises(DomainError) as caught:
        client.get(f"/indicators?{query}", user=finance)
    assert (caught.value.field, caught.value.code) == (field, "date_range")
