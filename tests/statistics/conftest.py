"""Fixtures for the statistics tests: rates, a reviewer per scope, a contract factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest

from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role, User
from waibao.registry.models import Enterprise, OwnershipType, Zone
from waibao.statistics.models import Contract, ExchangeRate
from waibao.statistics.services import contract_save, execution_save, record_transition

TODAY = date(2007, 6, 15)  # the programme's own time: 2006 is open until 2007-03-31, 2005 is frozen


@pytest.fixture
def rates(dataset: Path) -> None:
    """USD, JPY and HKD rates from 2005 (USD changes on 2006-01-01 and 2007-01-01)."""
    rows = [
        ("USD", date(2005, 1, 1), "8.2765"),
        ("USD", date(2006, 1, 1), "8.0702"),
        ("USD", date(2007, 1, 1), "7.8087"),
        ("JPY", date(2005, 1, 1), "0.080218"),
        ("JPY", date(2007, 1, 1), "0.065630"),
        ("HKD", date(2005, 1, 1), "1.0640"),
    ]
    ExchangeRate.objects.bulk_create(ExchangeRate(currency=c, date=d, cny_per_unit=Decimal(r)) for c, d, r in rows)


@pytest.fixture
def zones(dataset: Path) -> list[Zone]:
    return list(Zone.objects.order_by("sort_order")[:2])


@pytest.fixture
def ent(zones: list[Zone]) -> Enterprise:
    # Verified: only a verified enterprise may import its records (issue 9).
    return cast(
        Enterprise,
        EnterpriseFactory(zone=zones[0], ownership_type=OwnershipType.objects.get(code="170"), status="verified"),
    )


@pytest.fixture
def ent_user(ent: Enterprise) -> User:
    return make_user(Role.ENTERPRISE, username="stats-ent", enterprise=ent)


@pytest.fixture
def zone_staff(zones: list[Zone], reviewer: User) -> User:
    return make_user(Role.DEPARTMENT_REVIEWER, username="zone-a", department=reviewer.department, zone=zones[0])


@pytest.fixture
def other_zone_staff(zones: list[Zone], reviewer: User) -> User:
    return make_user(Role.DEPARTMENT_REVIEWER, username="zone-b", department=reviewer.department, zone=zones[1])


def contract_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "contract_no": "HT-1",
        "client_name": "Acme",
        "client_country": "US",
        "category": "ito-software-dev",
        "currency": "USD",
        "amount": "100000.00",
        "signed_date": date(2007, 3, 10),
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def approved_contract(rates: None, ent_user: User, office: User) -> Callable[..., Contract]:
    """Make a contract for `ent` and take it through submission and approval."""

    def make(**overrides: Any) -> Contract:
        contract = contract_save(
            acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(**overrides), today=TODAY
        )
        record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
        return record_transition(acting_user=office, record=contract, action="approve", today=TODAY)  # type: ignore[return-value]

    return make


@pytest.fixture
def approved_execution(ent_user: User, office: User) -> Callable[..., Any]:
    def make(contract: Contract, **fields: Any) -> Any:
        values = {"date": date(2007, 4, 1), "currency": "USD", "amount": "1000", "receipt_ref": "R1"}
        values.update(fields)
        execution = execution_save(acting_user=ent_user, contract=contract, fields=values, today=TODAY)
        record_transition(acting_user=ent_user, record=execution, action="submit", today=TODAY)
        return record_transition(acting_user=office, record=execution, action="approve", today=TODAY)

    return make


def enterprise_of(user: User) -> Enterprise:
    """The enterprise of an enterprise user (typed: never None for that role)."""
    assert user.enterprise is not None
    return user.enterprise
