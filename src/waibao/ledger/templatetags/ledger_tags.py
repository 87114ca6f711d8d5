"""Template filters and tags of the ledger pages: exact money formatting, the overview's tables."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from waibao.common.forms import escape_html as escape
from waibao.common.forms import option_tags
from waibao.common.money import format_money

register = template.Library()


@register.filter
def cny(value: Decimal | int | str | None) -> str:
    """Two decimal places with thousands separators, exactly (no float on the way)."""
    if value is None or value == "":
        return ""
    return format_money(Decimal(str(value)))


# The overview's tables and filters are written here at once: some sixty rows of a name, a link and four money
# cells cost the template about three hundred Python calls a row (each variable, filter, `{% url %}` and
# `{% translate %}`). Names are escaped with the standard library's `html.escape`, as Django's `escape` does,
# without its lazy wrapper. Ledger amounts are exact fen (two places), so they are formatted without rounding.


def _cells(totals: Any) -> str:
    return (
        f'<td class="num">{totals.budgeted:,.2f}</td><td class="num">{totals.committed:,.2f}</td>'
        f'<td class="num">{totals.paid:,.2f}</td><td class="num">{totals.available:,.2f}</td>'
    )


def _muted(text: str, *, block: bool = False) -> str:
    if not text:
        return ""
    return f'<div class="muted">{escape(text)}</div>' if block else f' <span class="muted">({escape(text)})</span>'


@functools.lru_cache(maxsize=16)
def _money_labels(language: str | None) -> tuple[str, str, str, str]:
    """Budget, committed, paid and available in `language`, escaped: the same four on every table and card of the
    overview, translated once per language (a process's catalogues do not change)."""
    with translation.override(language):
        return (escape(_("Budget")), escape(_("Committed (open)")), escape(_("Paid")), escape(_("Available")))


def _table(names: Iterable[str], rows: Iterable[str]) -> SafeString:
    """`<thead>` (the name columns, then budget, committed, paid and available) and `<tbody>` of a ledger table."""
    return mark_safe(  # noqa: S308
        "<thead><tr>"
        + "".join(f"<th>{escape(name)}</th>" for name in names)
        + "".join(f'<th class="num">{name}</th>' for name in _money_labels(translation.get_language()))
        + "</tr></thead>\n<tbody>"
        + "".join(rows)
        + "</tbody>"
    )


@register.simple_tag
def options(choices: Iterable[tuple[Any, str]], selected: Any) -> SafeString:
    """The `<option>`s of a filter (value, label), the selected one marked."""
    return mark_safe(option_tags(choices, selected))  # noqa: S308 - escaped by option_tags


@register.simple_tag
def total_cards(totals: Any) -> SafeString:
    """The four cards above the tables: budget, committed, paid and available in all."""
    labels = _money_labels(translation.get_language())
    amounts = (totals.budgeted, totals.committed, totals.paid, totals.available)
    return mark_safe(  # noqa: S308 - labels escaped, amounts formatted digits
        "".join(
            f'<div class="card"><div class="muted">{label}</div><div class="stat">{amount:,.2f}</div></div>\n'
            for label, amount in zip(labels, amounts, strict=True)
        )
    )


@register.simple_tag
def fund_table(funds: Iterable[tuple[Any, Any]]) -> SafeString:
    """By fund: the fund's name, its citation and its note, then its totals."""
    return _table(
        [pgettext("ledger", "Fund")],
        (
            f"<tr><td>{escape(fund.name)}{_muted(fund.citation)}{_muted(fund.note, block=True)}</td>"
            f"{_cells(totals)}</tr>"
            for fund, totals in funds
        ),
    )


@register.simple_tag
def category_table(categories: Iterable[tuple[Any, Any]]) -> SafeString:
    """By use category: the category's name, then its totals."""
    return _table(
        [_("Use category")],
        (f"<tr><td>{escape(category.name)}</td>{_cells(totals)}</tr>" for category, totals in categories),
    )


@register.simple_tag
def source_table(sources: Iterable[tuple[Any, Any]]) -> SafeString:
    """By source: the fund's name, the source's name and citation, then its totals."""
    return _table(
        [pgettext("ledger", "Fund"), _("Source")],
        (
            f"<tr><td>{escape(source.fund_name)}</td><td>{escape(source.name)}{_muted(source.citation)}</td>"
            f"{_cells(totals)}</tr>"
            for source, totals in sources
        ),
    )


@register.simple_tag
def year_table(by_year: Iterable[tuple[int, Any]], fund_code: str) -> SafeString:
    """By year: the year, a link to that year's overview (the fund filter kept), then its totals."""
    fund = escape(fund_code)
    return _table(
        [_("Year")],
        (
            f'<tr><td><a href="?year={year}&amp;fund={fund}">{year}</a></td>{_cells(totals)}</tr>'
            for year, totals in by_year
        ),
    )


@register.simple_tag
def budget_line_table(overview: Any) -> SafeString:
    """The overview's budget lines: the source linked to the line's page (the address built once), the use category,
    the amounts. Each source's and category's name is escaped once (the lines share a few of each)."""
    base = reverse("ledger:line", args=[0])[:-2]  # a line's page is this and its id
    # By the record's identity: the overview builds each source and category once.
    names = {id(record): escape(record.name) for record, _t in (*overview.sources, *overview.categories)}
    return _table(
        [_("Source"), _("Use category")],
        (
            f'<tr><td><a href="{base}{line.pk}/">{names[id(line.source)]}</a></td>'
            f"<td>{names[id(line.category)]}</td>{_cells(line)}</tr>"
            for line in overview.lines
        ),
    )
