"""Ledger fixtures: the funds of the default data set, and applications to commit money for."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import EnterpriseFactory
from waibao.applications.models import Application, ApplicationStatus
from waibao.ledger.dataset import load_ledger_dataset
from waibao.ledger.models import BudgetLine
from waibao.registry.models import Zone

_items = itertools.count(1)


@pytest.fixture
def funds(dataset: Path) -> Path:
    """The default data set with funds.yaml: funds, sources, use categories, earmarks, 2007–2010 budgets."""
    load_ledger_dataset(dataset)
    return dataset


@pytest.fixture
def make_application(funds: Path) -> Callable[..., Application]:
    """An approved application (status committed, as at final approval) for `rule_id` in `year`."""

    def make(
        rule_id: str = "HZ-12a",
        year: int = 2008,
        *,
        zone: str | None = None,
        enterprise: Any = None,
        fund_code: str = "special_fund",
        amount: Decimal = Decimal("200000.00"),
        item_key: str | None = None,
        **fields: Any,
    ) -> Application:
        if enterprise is None:
            enterprise = EnterpriseFactory(zone=Zone.objects.get(code=zone) if zone else None)
        return Application.objects.create(
            enterprise=enterprise,
            rule_id=rule_id,
            year=year,
            item_key=item_key if item_key is not None else f"item-{next(_items)}",
            status=ApplicationStatus.COMMITTED,
            fund_code=fund_code,
            approved_amount_cny=amount,
            **fields,
        )

    return make


def line(fund: str, source: str, category: str, year: int) -> BudgetLine:
    return BudgetLine.objects.get(source__fund__code=fund, source__code=source, category__code=category, year=year)
