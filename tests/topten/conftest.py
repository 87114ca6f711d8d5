"""A small city for the top-ten tests: recognised enterprises with approved statistics and annual reports."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import EnterpriseFactory
from waibao.registry.models import Enterprise, ServiceCategory
from waibao.statistics.models import Contract, Execution, RecordStatus
from waibao.topten.models import AnnualReport

YEAR = 2008


def add_figures(enterprise: Enterprise, *, executed: int, offshore: bool = True, taxes: int = 0, rd: int = 0,
                patents: int = 0, graduates: int = 0, report: bool = True, year: int = YEAR) -> None:  # fmt: skip
    category = ServiceCategory.objects.filter(parent__isnull=False).order_by("code").first()
    contract = Contract.objects.create(
        enterprise=enterprise,
        contract_no=f"T-{enterprise.pk}-{year}",
        client_name="Client",
        client_country="US" if offshore else "CN",
        category=category,
        currency="CNY",
        amount=Decimal(executed),
        signed_date=datetime.date(year, 1, 15),
        amount_cny=Decimal(executed),
        amount_usd=Decimal(executed) / 8,
        cny_rate=Decimal(1),
        usd_rate=Decimal("0.125"),
        k_offshore=offshore,
        k_set=True,
        status=RecordStatus.APPROVED,
    )
    Execution.objects.create(
        contract=contract,
        enterprise=enterprise,
        date=datetime.date(year, 6, 1),
        currency="CNY",
        amount=Decimal(executed),
        amount_cny=Decimal(executed),
        amount_usd=Decimal(executed) / 8,
        cny_rate=Decimal(1),
        usd_rate=Decimal("0.125"),
        status=RecordStatus.APPROVED,
    )
    if report:
        AnnualReport.objects.create(
            enterprise=enterprise,
            year=year,
            taxes_paid_cny=Decimal(taxes),
            rd_expense_cny=Decimal(rd),
            patents=patents,
            graduate_employees=graduates,
            status=RecordStatus.APPROVED,
        )


@pytest.fixture
def full_dataset(dataset: Path) -> Path:
    """The whole default data set (routing, ledger, selection methods) as `load_defaults` loads it."""
    import io

    from django.core.management import call_command

    call_command("load_defaults", dataset=Path(settings.WAIBAO_DEFAULT_DATASET), stdout=io.StringIO())
    return dataset


@pytest.fixture
def city(full_dataset: Path) -> Callable[[int], list[Enterprise]]:
    """`city(n)`: n recognised enterprises with distinct figures for 2008 (the i-th is the i-th best)."""

    def make(n: int) -> list[Enterprise]:
        enterprises = []
        for i in range(n):
            e = EnterpriseFactory(status="recognised", employees=100 + 10 * (n - i))
            add_figures(e, executed=1_000_000 * (n - i), taxes=50_000 * (n - i), rd=20_000 * (n - i),
                        patents=n - i, graduates=50 + (n - i))  # fmt: skip
            enterprises.append(e)
        return enterprises

    return make
