"""Template filters of the ledger pages: exact money formatting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from waibao.common.money import format_money

register = template.Library()


@register.filter
def cny(value: Decimal | int | str | None) -> str:
    """Two decimal places with thousands separators, exactly (no float on the way)."""
    if value is None or value == "":
        return ""
    return format_money(Decimal(str(value)))


@register.simple_tag
def money_cells(totals: Any) -> SafeString:
    """The four money cells of a ledger row (budget, committed, paid, available) of a `Totals` or a budget line,
    written at once: the overview has some fifty such rows, and four filtered variables each cost more."""
    cells = (totals.budgeted, totals.committed, totals.paid, totals.available)
    # Only digits, separators, a sign and a point: nothing to escape.
    return mark_safe("".join(f'<td class="num">{cny(value)}</td>' for value in cells))  # noqa: S308
