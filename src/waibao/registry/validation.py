"""Field checks shared by forms, the Excel import and the API, with messages in the user's language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from waibao.common.errors import DomainError
from waibao.common.money import MoneyError, to_money
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
    if raw is None or str(raw).strip() == "":
        return Decimal("0.00")
    if isinstance(raw, float):
        raw = repr(raw)  # spreadsheet numbers arrive as floats: read their shortest exact text
    text = str(raw).replace(",", "").strip()
    try:
        amount = to_money(text)
    except MoneyError:
        raise DomainError(_("Not an amount: %(value)s") % {"value": raw}, field=field, code="money") from None
    if amount < 0 and not allow_negative:
        raise DomainError(_("The amount may not be negative."), field=field, code="negative")
    return amount


def clean_date(raw: Any, *, field: str) -> date | None:
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            _("Not a date (use YYYY-MM-DD): %(value)s") % {"value": raw}, field=field, code="date"
        ) from None


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
