"""Template filters for amounts: fixed places with thousands separators, the same in every language."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | int | None) -> str:
    """12,345.68 (two places); empty for None."""
    return "" if value is None or value == "" else f"{Decimal(value):,.2f}"


@register.filter
def money0(value: Decimal | int | None) -> str:
    """12,346 (whole units, half up); empty for None."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(Decimal(1)):,}"


@register.filter
def figure(value: Decimal | int | None) -> str:
    """A published figure in whole units, or "—" when it is withheld (statistics/disclosure.py)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal(1)):,}"
