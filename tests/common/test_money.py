"""The one money type: Decimal to the fen, half up; floats and nonsense refused."""

from decimal import Decimal

import pytest
from django.utils import translation

from waibao.common.money import (
    MONEY_MAX,
    STORAGE_MAX_FEN,
    MoneyError,
    format_money,
    from_fen,
    parse_money,
    to_fen,
    to_money,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.005", "1.01"),
        ("1.004", "1.00"),
        ("-1.005", "-1.01"),
        (2, "2.00"),
        (Decimal("0.125"), "0.13"),
        (" 7 ", "7.00"),
    ],
)
def test_rounds_half_up_to_the_fen(raw: object, expected: str) -> None:
    assert str(to_money(raw)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [1.5, "abc", "", "NaN", "Infinity", "1e30"])
def test_refuses_what_is_not_an_exact_amount(raw: object) -> None:
    with pytest.raises(MoneyError):
        to_money(raw)  # type: ignore[arg-type]


def test_format_groups_thousands() -> None:
    assert format_money(Decimal("1234567.5")) == "1,234,567.50"


# --- reading amounts people type (issue 8 §6): refused, never guessed or rounded -------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        (" 42 ", "42.00"),
        ("0.01", "0.01"),
        ("999,999,999,999.99", "999999999999.99"),
        (Decimal("100.50"), "100.50"),
        (Decimal("7.000"), "7.00"),  # an exact Decimal with trailing zeros is the same amount
        (12, "12.00"),
    ],
)
def test_parse_money_reads_the_unambiguous_forms(raw: object, expected: str) -> None:
    assert str(parse_money(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1.234,56", "ambiguous"),  # a European decimal comma: once stored as 1.23
        ("1,234.5,6", "ambiguous"),
        ("1,23", "ambiguous"),
        ("12,34,567.00", "ambiguous"),  # lakh grouping
        ("100.005", "two decimal places"),  # once silently rounded to 100.01
        (Decimal("100.005"), "two decimal places"),
        ("1e18", "exponent"),  # once accepted into statistics, then unreadable
        ("1E3", "exponent"),
        ("12,345,678,901,234.56", "too large"),  # once stored as ...234.60 on SQLite
        ("99999999999999.99", "too large"),  # a budget once stored as 100,000,000,000,000.00
        ("1000000000000.00", "too large"),
        (Decimal("1e18"), "too large"),
        (10**13, "too large"),
        ("-5", "negative"),
        (1.5, "float"),
        ("NaN", "valid amount"),
        ("abc", "valid amount"),
        ("", "Enter an amount"),
    ],
)
def test_parse_money_refuses_with_a_message(raw: object, reason: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_money(raw)
    with translation.override("en"):
        assert reason in str(caught.value.message)


def test_the_bound_leaves_room_for_conversion_and_sums_in_64_bits() -> None:
    # 90,000 of the largest accepted amount, or 9,000 of them converted at 10 CNY per unit, fit an int64 sum
    # (SQLite sums integers in 64 bits and raises on overflow; PostgreSQL sums bigints as numeric).
    assert to_fen(MONEY_MAX) * 90_000 < STORAGE_MAX_FEN
    assert to_fen(MONEY_MAX * 10) * 9_000 < STORAGE_MAX_FEN
    assert from_fen(to_fen(MONEY_MAX)) == MONEY_MAX


def test_to_fen_refuses_what_a_column_cannot_hold_exactly() -> None:
    with pytest.raises(MoneyError):
        to_fen(Decimal("0.001"))
    with pytest.raises(MoneyError):
        to_fen(Decimal(2**63))
