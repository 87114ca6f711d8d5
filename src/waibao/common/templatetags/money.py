"""`{{ amount|money }}`: an amount to the fen with thousands separators, as finance officers read them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from waibao.common.money import MoneyError, format_money

register = template.Library()


@register.filter
def money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        return format_money(value if isinstance(value, Decimal) else Decimal(str(value)))
    except (MoneyError, ArithmeticError, ValueError):
        return str(value)
