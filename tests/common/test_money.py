"""The one money type: Decimal to the fen, half up; floats and nonsense refused."""

from decimal import Decimal

import pytest

from waibao.common.money import MoneyError, format_money, to_money


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
