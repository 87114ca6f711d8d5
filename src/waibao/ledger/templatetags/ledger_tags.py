"""Template filters of the ledger pages: exact money formatting."""

from __future__ import annotations

from decimal import Decimal

from django import template

from waibao.common.money import format_money

register = template.Library()


@register.filter
def cny(value: Decimal | int | str | None) -> str:
    """Two decimal places with thousands separators, exactly (no float on the way)."""
    if value is None or value == "":
        return ""
    return format_money(Decimal(str(value)))
