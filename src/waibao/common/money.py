"""The project's one money type: Decimal CNY (or another currency) to the fen, and the rules for reading it.

Every amount that is stored, compared or shown passes through this module; no float ever holds money.
`parse_money` reads what a person or a file gives (forms, imports, the API all call it): plain digits with
at most two decimals, thousands grouped with commas only in the unambiguous `1,234,567.89` shape, and
nothing larger than `MONEY_MAX`. Anything else (`1.234,56`, `1,23`, `100.005`, `1e18`) is refused with a
message, never guessed or rounded. `to_money` rounds amounts the platform computes itself (conversions,
rates) half up to the fen.

Storage is integer fen (`common.models.MoneyField`, a bigint column), so SQLite and PostgreSQL store and
sum exactly alike. `MONEY_MAX` (one fen under a trillion) keeps every accepted amount and its conversion
into CNY well inside a signed 64-bit integer (9.2 x 10^18 fen): 90,000 amounts at the bound, or 9,000 of
them converted at 10 CNY per unit, still sum without overflow on SQLite (which raises on integer overflow
rather than wrapping); PostgreSQL sums bigints as numeric and cannot overflow.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
FEN_PER_UNIT = 100

# The largest amount the platform accepts anywhere (999,999,999,999.99): see the module docstring.
MONEY_MAX = Decimal("999999999999.99")
# Form and schema widths: 12 digits before the point, 2 after.
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
# The largest value a money column can hold (int64 fen): computed amounts are checked against it.
STORAGE_MAX_FEN = 2**63 - 1

_PLAIN = re.compile(r"^(?P<sign>[-+]?)(?P<int>\d+)(?:\.(?P<frac>\d+))?$")
_GROUPED = re.compile(r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+)(?:\.(?P<frac>\d+))?$")


class MoneyError(ValueError):
    """A value that cannot be read as an amount of money. `message` is for the user (lazy, translated)."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantise to the fen, half up (amounts the platform computes). Refuses floats: a float has already
    lost the exact value."""
    if isinstance(value, float):
        raise MoneyError(_("Money must not be a float."))
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(_("Enter a valid amount.")) from exc
    if not amount.is_finite():
        raise MoneyError(_("Enter a valid amount."))
    try:
        return amount.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the context holds, e.g. 1e30
        raise MoneyError(_("The amount is too large.")) from exc


def parse_money(value: object, *, allow_negative: bool = False, allow_zero: bool = True) -> Decimal:
    """Read an amount given by a person, a file or an API client; refuse anything ambiguous or out of range.

    Accepts a Decimal or int (as exact values), or text: `1234.5`, `1,234.56`, with surrounding spaces.
    Refuses floats, exponents, decimal commas and mixed separators, more than two decimals (never rounds),
    and magnitudes above `MONEY_MAX`.
    """
    if isinstance(value, (bool, float)):
        raise MoneyError(_("Enter the amount as a decimal number, not a float."))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(_("Enter a valid amount."))
        amount = value
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise MoneyError(_("Enter a valid amount."))
    if abs(amount) > MONEY_MAX:
        raise MoneyError(_("The amount is too large: the largest accepted amount is 999,999,999,999.99."))
    if amount != amount.quantize(FEN):
        raise MoneyError(_("Amounts are recorded to the fen: enter at most two decimal places."))
    amount = amount.quantize(FEN)
    if amount < ZERO and not allow_negative:
        raise MoneyError(_("The amount must not be negative."))
    if amount == ZERO and not allow_zero:
        raise MoneyError(_("The amount must be greater than zero."))
    return amount + ZERO  # normalises -0.00


def _parse_text(text: str) -> Decimal:
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        raise MoneyError(_("Enter an amount."))
    match = _PLAIN.match(raw) or _GROUPED.match(raw)
    if match is None:
        if re.search(r"[eE]", raw):
            raise MoneyError(_("Write the amount in full digits, without an exponent (e.g. 1200000.00)."))
        if re.fullmatch(r"[-+]?[\d.,]+", raw):
            raise MoneyError(
                _(
                    "The number format is ambiguous: use a point for decimals and, if you like, commas between "
                    "groups of three digits (e.g. 1,234,567.89)."
                )
            )
        raise MoneyError(_("Enter a valid amount."))
    frac = match.group("frac") or ""
    if len(frac) > 2:
        raise MoneyError(_("Amounts are recorded to the fen: enter at most two decimal places."))
    digits = match.group("int").replace(",", "")
    if len(digits.lstrip("0")) > MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES:
        raise MoneyError(_("The amount is too large: the largest accepted amount is 999,999,999,999.99."))
    return Decimal(f"{match.group('sign')}{digits}.{frac or '0'}")


def to_fen(value: Decimal | int) -> int:
    """An amount as integer fen (the stored form). Refuses more than two decimals and what a column cannot hold."""
    if isinstance(value, (bool, float)):
        raise MoneyError(_("Money must not be a float."))
    amount = Decimal(value) if isinstance(value, int) else value
    if not amount.is_finite():
        raise MoneyError(_("Enter a valid amount."))
    fen = amount.scaleb(2)
    if fen != fen.to_integral_value():
        raise MoneyError(_("Amounts are recorded to the fen: enter at most two decimal places."))
    result = int(fen)
    if abs(result) > STORAGE_MAX_FEN:
        raise MoneyError(_("The amount is too large."))
    return result


def from_fen(fen: int | Decimal) -> Decimal:
    """Integer fen (as stored, or as a database sums it) back to a Decimal amount with two places."""
    return Decimal(int(fen)).scaleb(-2)


def format_money(value: Decimal) -> str:
    """Fixed two places, with thousands separators (for pages, not for data exchange)."""
    return f"{to_money(value):,.2f}"
