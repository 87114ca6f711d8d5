"""Fixtures for the open-data tests: a city with approved statistics in a closed year (2007)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.factories import EnterpriseFactory
from tests.statistics.conftest import contract_fields, rates  # noqa: F401  (fixture)
from waibao.accounts.models import User
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.services import contract_save, execution_save, record_transition


@pytest.fixture
def recorder(rates: None, office: User) -> Callable[..., Any]:  # noqa: F811
    """Approve a contract (and optionally an execution) of `enterprise` as the office would."""

    def record(
        enterprise: Enterprise, amount: str, *, executed: str | None = None, no: str = "C1", **extra: Any
    ) -> None:
        fields = contract_fields(contract_no=no, amount=amount, **extra)
        day = extra.get("signed_date", date(2007, 3, 10))
        today = date(day.year, 6, 15)
        contract = contract_save(acting_user=office, enterprise=enterprise, fields=fields, today=today)
        record_transition(acting_user=office, record=contract, action="submit", today=today)
        record_transition(acting_user=office, record=contract, action="approve", today=today)
        if executed:
            values = {"date": day, "currency": "USD", "amount": executed, "receipt_ref": f"R-{no}"}
            execution = execution_save(acting_user=office, contract=contract, fields=values, today=today)
            record_transition(acting_user=office, record=execution, action="submit", today=today)
            record_transition(acting_user=office, record=execution, action="approve", today=today)

    return record


@pytest.fixture
def city(recorder: Callable[..., Any]) -> dict[str, Enterprise]:
    """Four enterprises in htz and three in a park (publishable), and one lone enterprise in etdz with a large,
    distinctive figure and its own market (JP): its figures must never appear in a public dataset."""
    htz, etdz = Zone.objects.get(code="htz"), Zone.objects.get(code="etdz")
    park = Zone.objects.get(code="digital-entertainment-park")
    for n in range(4):
        recorder(EnterpriseFactory(zone=htz), "100000", executed="50000", no=f"H{n}")
    for n in range(3):  # the smaller zone: withheld as the complement that protects the lone one
        recorder(EnterpriseFactory(zone=park), "30000", executed="20000", no=f"P{n}", client_country="GB")
    lone = EnterpriseFactory(zone=etdz, name_zh="独家外包有限公司", name_en="Lonely Outsourcing Ltd")
    recorder(lone, "876543.21", executed="765432.10", no="LONE", client_country="JP")
    return {"lone": lone}
