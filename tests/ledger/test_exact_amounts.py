"""The ledger keeps the largest accepted amount to the fen and refuses larger or ambiguous ones (issue 8 §6)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum

from tests.ledger.conftest import line
from waibao.accounts.models import User
from waibao.common.errors import DomainError
from waibao.common.money import MONEY_MAX
from waibao.ledger.models import BudgetLine
from waibao.ledger.services import budget_allocate

pytestmark = pytest.mark.django_db


def _ledger_check() -> str:
    out = io.StringIO()
    call_command("ledger", "check", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("raw", ["99999999999999.99", Decimal("99999999999999.99"), "12345678901234.56"])
def test_budget_beyond_the_bound_is_refused_with_a_message(funds: Path, finance: User, raw: Any) -> None:
    target = line("special_fund", "htz", "software-export", 2008)
    before = target.budgeted
    with pytest.raises(DomainError) as caught:
        budget_allocate(acting_user=finance, budget_line=target, amount=raw, reason="test")
    assert (caught.value.code, caught.value.field) == ("amount", "amount")
    assert BudgetLine.objects.get(pk=target.pk).budgeted == before


def test_the_largest_budget_is_kept_to_the_fen(funds: Path, finance: User) -> None:
    target = line("special_fund", "htz", "software-export", 2008)
    before = target.budgeted
    budget_allocate(acting_user=finance, budget_line=target, amount=MONEY_MAX, reason="test")
    assert BudgetLine.objects.get(pk=target.pk).budgeted == before + MONEY_MAX
    assert BudgetLine.objects.filter(year=2008).aggregate(s=Sum("budgeted"))["s"] == sum(
        BudgetLine.objects.filter(year=2008).values_list("budgeted", flat=True), Decimal(0)
    )
    assert _ledger_check().startswith("OK")


@pytest.mark.parametrize("raw", ["100.005", "1.234,56", "1e18"])
def test_budget_in_an_ambiguous_or_overprecise_form_is_refused(funds: Path, finance: User, raw: str) -> None:
    target = line("special_fund", "htz", "software-export", 2008)
    with pytest.raises(DomainError) as caught:
        budget_allocate(acting_user=finance, budget_line=target, amount=raw, reason="test")
    assert (caught.value.code, caught.value.field) == ("amount", "amount")
