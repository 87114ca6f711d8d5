"""Only sane values reach the statistics (issue 8 §6): amounts exact or refused, dates within the office's window.

Reproduced on main: `1e18` accepted into statistics (then unreadable), `1.234,56` stored as 1.23, `100.005`
rounded, a contract dated 9999-12-31 approved. Each is refused here in forms, imports and services.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from tests.statistics.conftest import TODAY, contract_fields, enterprise_of
from waibao.accounts.models import User
from waibao.common.dates import date_window
from waibao.common.errors import DomainError
from waibao.common.tabular import TableImportError
from waibao.registry.models import Enterprise
from waibao.statistics.conf import parameters
from waibao.statistics.forms import ContractForm
from waibao.statistics.models import Contract, ExchangeRate
from waibao.statistics.services import (
    contract_save,
    contracts_import,
    exchange_rates_import,
    parameters_update,
)

pytestmark = pytest.mark.django_db

HEADER = "credit_code,contract_no,client_name,client_country,category,currency,amount,signed_date\n"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("amount", "1e18", "money"),
        ("amount", "1.234,56", "money"),
        ("amount", "100.005", "money"),
        ("amount", "1000000000000", "money"),
        ("signed_date", date(9999, 12, 31), "date_range"),
        ("signed_date", "1989-12-31", "date_range"),
        ("signed_date", "2007-3-1x", "date"),
    ],
)
def test_contract_save_refuses_insane_values(rates: None, ent_user: User, field: str, value: Any, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        contract_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            fields=contract_fields(**{field: value}),
            today=TODAY,
        )
    assert (caught.value.field, caught.value.code) == (field, code)
    assert not Contract.objects.exists()


def test_the_date_window_is_the_offices_parameter(rates: None, ent_user: User, office: User) -> None:
    # The window follows the real calendar (the programme time of these tests, TODAY, only moves the cut-off).
    year = timezone.localdate().year
    assert date_window() == date_window(years_ahead=1)
    assert date_window().latest == date(year + 1, 12, 31)
    ExchangeRate.objects.create(currency="USD", date=date(year, 1, 1), cny_per_unit="7")
    fields = contract_fields(contract_no="FAR", signed_date=date(year + 2, 6, 1))
    with pytest.raises(DomainError) as caught:
        contract_save(acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=fields, today=TODAY)
    assert "1990-01-01" in str(caught.value.message) and f"{year + 1}-12-31" in str(caught.value.message)
    parameters_update(acting_user=office, fields={"dates_years_ahead": 2})
    assert parameters().dates_years_ahead == 2
    contract = contract_save(acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=fields, today=TODAY)
    assert contract.signed_date == date(year + 2, 6, 1)
    with pytest.raises(DomainError):
        parameters_update(acting_user=office, fields={"dates_years_ahead": 11})


def test_contract_import_lists_every_insane_value_and_writes_nothing(rates: None, ent: Enterprise) -> None:
    code = ent.credit_code
    text = HEADER + (
        f"{code},A1,Acme,US,ito-software-dev,USD,1e18,2007-01-05\n"
        f'{code},A2,Acme,US,ito-software-dev,USD,"1.234,56",2007-01-05\n'
        f"{code},A3,Acme,US,ito-software-dev,USD,100.005,2007-01-05\n"
        f"{code},A4,Acme,US,ito-software-dev,USD,1000,9999-12-31\n"
        f'{code},A5,Acme,US,ito-software-dev,USD,"1,000.50",2007-01-05\n'
    )
    with pytest.raises(TableImportError) as info:
        contracts_import(
            acting_user=None, stream=io.BytesIO(text.encode()), filename="c.csv", approve=True, today=TODAY
        )
    assert [(e.row, e.column) for e in info.value.errors] == [
        (2, "amount"),
        (3, "amount"),
        (4, "amount"),
        (5, "signed_date"),
    ]
    assert not Contract.objects.exists()


def test_rate_import_refuses_dates_outside_the_window(dataset: Any, office: User) -> None:
    text = "date,currency,cny_per_unit\n1980-01-01,USD,7.8\n2007-01-01,USD,7.8\n"
    with pytest.raises(TableImportError) as info:
        exchange_rates_import(acting_user=office, stream=io.BytesIO(text.encode()), filename="r.csv")
    assert [(e.row, e.column) for e in info.value.errors] == [(2, "date")]
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize("amount", ["1e18", "1.234,56", "1,234.5,6", "100.005"])
def test_contract_form_refuses_ambiguous_amounts(dataset: Any, amount: str) -> None:
    form = ContractForm(data={**contract_fields(amount=amount, signed_date="2007-03-10"), "category": ""})
    assert not form.is_valid()
    assert "amount" in form.errors


def test_contract_form_reads_grouped_amounts(dataset: Any) -> None:
    form = ContractForm(data=contract_fields(amount="1,234,567.89", signed_date="2007-03-10"))
    form.is_valid()
    assert "amount" not in form.errors
    assert str(form.cleaned_data["amount"]) == "1234567.89"
