"""Money is stored and summed exactly on SQLite and PostgreSQL alike (issue 8 §6), up to the largest accepted
amount; beyond it, and in ambiguous forms, amounts are refused with a message at every way in.

`make test` runs this file on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waibao.common.models import money_value
from waibao.common.money import MONEY_MAX
from waibao.statistics.models import SummaryRollup

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=-MONEY_MAX, max_value=MONEY_MAX, places=2, allow_nan=False, allow_infinity=False)


class _Rollback(Exception):
    pass


def _rows(values: list[Decimal]) -> list[SummaryRollup]:
    return [
        SummaryRollup(
            year=2007,
            month=1 + i % 12,
            top_level="ITO",
            country=chr(65 + i // 12 // 26) + chr(65 + i // 12 % 26),
            offshore=False,
            contract_amount_cny=v,
        )
        for i, v in enumerate(values)
    ]


def _in_rolled_back_transaction(check: Callable[[], None]) -> None:
    try:
        with transaction.atomic():
            check()
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(amounts, min_size=1, max_size=40), delta=amounts)
def test_random_amounts_are_stored_and_summed_in_sql_exactly(db: None, values: list[Decimal], delta: Decimal) -> None:
    def check() -> None:
        SummaryRollup.objects.bulk_create(_rows(values))
        stored = list(SummaryRollup.objects.order_by("id").values_list("contract_amount_cny", flat=True))
        assert stored == values
        assert all(v.as_tuple().exponent == -2 for v in stored)  # two places, as Decimal, never a float
        total = SummaryRollup.objects.aggregate(s=Sum("contract_amount_cny"))["s"]
        assert total == sum(values, Decimal("0.00"))
        # Arithmetic in the database keeps fen against fen.
        SummaryRollup.objects.update(contract_amount_cny=F("contract_amount_cny") + money_value(delta))
        total = SummaryRollup.objects.aggregate(s=Sum("contract_amount_cny"))["s"]
        assert total == sum(values, Decimal("0.00")) + delta * len(values)

    _in_rolled_back_transaction(check)


def test_a_thousand_of_the_largest_amount_sum_exactly() -> None:
    SummaryRollup.objects.bulk_create(_rows([MONEY_MAX] * 1000))
    assert SummaryRollup.objects.aggregate(s=Sum("contract_amount_cny"))["s"] == MONEY_MAX * 1000
    assert SummaryRollup.objects.filter(contract_amount_cny=MONEY_MAX).count() == 1000
    assert SummaryRollup.objects.filter(contract_amount_cny__gt=MONEY_MAX - Decimal("0.01")).count() == 1000


def test_money_columns_are_integer_fen_in_the_database() -> None:
    SummaryRollup.objects.bulk_create(_rows([Decimal("12345.67")]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT contract_amount_cny FROM statistics_summaryrollup")
        (raw,) = cursor.fetchone()
    assert raw == 1234567 and isinstance(raw, int)
