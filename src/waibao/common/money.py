"""The project's one money type: Decimal CNY (or another currency) to the fen, rounded half up.

Every amount that is stored, compared or shown passes through `to_money`; no float ever holds money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# Database columns for money: 18 digits before the point is more than any fund will hold.
MONEY_MAX_DIGITS = 20
MONEY_DECIMAL_PLACES = 2


class MoneyError(ValueError):
    """A value that cannot be read as an amount of money."""


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantise to the fen, half up. Refuses floats: a float has already lost the exact value."""
    if isinstance(value, float):
        raise MoneyError("money must not be a float")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    try:
        return amount.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the context holds, e.g. 1e30
        raise MoneyError(f"amount out of range: {value!r}") from exc


def format_money(value: Decimal) -> str:
    """Fixed two places, with thousands separators (for pages, not for data exchange)."""
    return f"{to_money(value):,.2f}"
