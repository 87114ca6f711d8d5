"""Field checks shared by forms, the Excel import and the API, with messages in the user's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from waibao.common.dates import DateWindow
from waibao.common.dates import clean_date as common_clean_date
from waibao.common.errors import DomainError
from waibao.common.money import MoneyError, parse_money
from waibao.registry.credit_code import CreditCodeCheck, check_credit_code


def credit_code_messages(check: CreditCodeCheck) -> list[str]:
    text = {
        "length": _("A unified social credit code has 18 characters."),
        "characters": _("The code may contain only digits and capital letters other than I, O, S, V and Z."),
        "check": _("The check character (the 18th) does not match: please check the code for typing errors."),
    }
    return [text[e] for e in check.errors]


def org_code_warning_message() -> str:
    return _(
        "The organisation code inside the credit code (characters 9–17) fails its GB 11714 check. "
        "Real registries contain such codes; staff may confirm it."
    )


def clean_credit_code(raw: Any) -> CreditCodeCheck:
    if raw is None or str(raw).strip() == "":
        raise DomainError(_("The credit code is required."), field="credit_code", code="required")
    check = check_credit_code(str(raw))
    if not check.valid:
        raise DomainError(" ".join(credit_code_messages(check)), field="credit_code", code="credit_code")
    return check


def clean_money(raw: Any, *, field: str, allow_negative: bool = False) -> Decimal:
    """An amount from a form, a file or the API, read by `common.money.parse_money` (empty is zero)."""
    if raw is None or str(raw).strip() == "":
        return Decimal("0.00")
    if isinstance(raw, float):
        raw = repr(raw)  # spreadsheet numbers arrive as floats: read their shortest exact text
    try:
        return parse_money(raw, allow_negative=allow_negative)
    except MoneyError as exc:
        raise DomainError(
            _("Not an accepted amount (%(value)s): %(reason)s") % {"value": raw, "reason": exc.message},
            field=field,
            code="money",
        ) from None


def clean_date(raw: Any, *, field: str, window: DateWindow | None = None) -> date | None:
    """A date in the one format and within the plausible window (`common.dates`)."""
    return common_clean_date(raw, field=field, window=window)


def clean_bool(raw: Any, *, field: str) -> bool:
    if raw is None or str(raw).strip() == "":
        return False
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "yes", "y", "true", "是", "√", "x"}:
        return True
    if text in {"0", "no", "n", "false", "否"}:
        return False
    raise DomainError(_("Use yes or no (是/否): %(value)s") % {"value": raw}, field=field, code="bool")


def clean_int(raw: Any, *, field: str) -> int:
    if raw is None or str(raw).strip() == "":
        return 0
    try:
        value = Decimal(str(raw).strip())
        if value != value.to_integral_value() or value < 0:
            raise ValueError
        return int(value)
    except (ValueError, ArithmeticError):
        raise DomainError(
            _("Not a whole number of zero or more: %(value)s") % {"value": raw}, field=field, code="int"
        ) from None
