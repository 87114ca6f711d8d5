"""Template filters for amounts: fixed places with thousands separators, the same in every language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from waibao.common.forms import option_tags

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


def _counter() -> Callable[[Any], str]:
    """`intcomma` for the active language, read once: a whole number in the plain forms of the languages the site
    speaks (none: Chinese groups by four with no separator; English by three with commas) without the formatting
    machinery's forty-odd calls a number; anything else through `intcomma` itself."""
    separator, grouping = get_format("THOUSAND_SEPARATOR"), get_format("NUMBER_GROUPING")
    if separator == "":
        return lambda value: str(value) if type(value) is int else intcomma(value)
    if separator == "," and grouping == 3:
        return lambda value: f"{value:,}" if type(value) is int else intcomma(value)
    return intcomma


@register.filter
def count(value: Any) -> str:
    """A count as `intcomma` writes it (12,345 in English; 12345 in Chinese)."""
    return _counter()(value)


# The dashboard's table (with its headings) and its filters' drop-downs are written here at once: a row of eight
# filtered variables and a condition cost the template some four hundred Python calls, an option some sixty. Text
# is escaped with the standard library's `html.escape`, as Django's `escape` does, without its lazy wrapper.


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """The `<option>`s of a filter, (value, label) pairs, the one equal to `selected` marked."""
    return mark_safe(option_tags(choices, selected))  # noqa: S308 - escaped by option_tags


@register.simple_tag
def indicator_table(group: str, rows: Iterable[Any]) -> SafeString:
    """The indicator table's `<thead>` (the grouping's name, then the figures) and `<tbody>`: per row the group's
    label (its key beside it when they differ), the contracts counted and the six amounts to two places; one row
    saying there is nothing when there are no rows."""
    heads = (
        _("Contracts"),
        _("Contract amount (USD)"),
        _("Offshore contract amount (USD)"),
        _("Executed amount (USD)"),
        _("Offshore executed amount (USD)"),
        _("Executed amount (CNY)"),
        _("Offshore executed amount (CNY)"),
    )
    head = f"<thead><tr><th>{escape(group)}</th>" + "".join(f'<th class="num">{escape(h)}</th>' for h in heads)
    return mark_safe(f"{head}</tr></thead>\n<tbody>{_indicator_rows(rows)}</tbody>")  # noqa: S308


def _indicator_rows(rows: Iterable[Any]) -> str:
    amounts = (
        "contract_amount_usd",
        "contract_amount_offshore_usd",
        "executed_amount_usd",
        "executed_amount_offshore_usd",
        "executed_amount_cny",
        "executed_amount_offshore_cny",
    )
    lines = []
    counted = _counter()
    for row in rows:
        key = "" if row.label == row.key else f' <span class="muted">{escape(str(row.key))}</span>'
        sums = row.sums
        cells = "".join(f'<td class="num">{money(sums[name])}</td>' for name in amounts)
        count = counted(row.contract_count)
        lines.append(f'<tr><td>{escape(str(row.label))}{key}</td><td class="num">{count}</td>\n{cells}</tr>\n')
    if not lines:
        return f'<tr><td colspan="8" class="muted">{escape(_("No approved records in this range."))}</td></tr>'
    return "".join(lines)
