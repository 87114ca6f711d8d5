"""Template tags of the registry pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

from waibao.common.forms import escape_html as _escape
from waibao.common.forms import option_tags
from waibao.common.i18n import is_english
from waibao.common.templatetags.money import money
from waibao.registry.models import EnterpriseStatus
from waibao.registry.selectors import EnterpriseLine

register = template.Library()


# The enterprise list's filters (some eighty options) and rows are written here at once: through the template, a
# row of variables, filters and a URL cost some nine hundred Python calls and an option some sixty. Text is escaped
# as the standard library's `html.escape` does (Django's `escape` calls it), without Django's lazy wrapper.


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """The `<option>`s of a filter's select, the `selected` value marked."""
    return mark_safe(option_tags(choices, selected))  # noqa: S308 - escaped by option_tags


@register.simple_tag
def enterprise_rows(rows: Iterable[EnterpriseLine]) -> SafeString:
    """The rows of the enterprise list (`selectors.enterprise_lines`): the name linked to its page (the address
    built once), credit code, status, zone, categories, registered capital and employees. The zones',
    categories' and statuses' names are written once each, the language and the number format read once."""
    base = reverse("registry:enterprise_detail", args=[0])[:-2]  # an enterprise's page is this and its id
    english = is_english()
    # Each zone's, category's and status's cell text, written once for the page (keyed by code).
    zones: dict[str, str] = {}
    categories: dict[str, str] = {}
    statuses: dict[str, tuple[str, str]] = {}
    # `intcomma`'s format, read once instead of once a row (as `number_format` does, with grouping forced).
    decimal_sep, grouping, thousand_sep = (
        get_format(f) for f in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )
    by_thousands = grouping == 3 and isinstance(grouping, int)
    lines = []
    for row in rows:
        status = row.status
        if status not in statuses:
            statuses[status] = (_escape(status), _escape(status_label(status)))
        status_class, status_name = statuses[status]
        zone = row.zone
        zone_name = ""
        if zone is not None:
            if zone.code not in zones:
                zones[zone.code] = _escape(_in_language(english, zone.name_zh, zone.name_en))
            zone_name = zones[zone.code]
        for category in row.categories:
            if category.code not in categories:
                categories[category.code] = _escape(_in_language(english, category.name_zh, category.name_en))
        if by_thousands:  # what `number_format` writes of a whole number grouped by threes
            employees = f"{row.employees:,}".replace(",", thousand_sep)
        else:
            employees = numberformat.format(
                row.employees, decimal_sep, grouping=grouping, thousand_sep=thousand_sep, force_grouping=True
            )
        # Registered capital is read in whole fen (`from_fen`): two places with separators is what `money` writes.
        capital = row.registered_capital_cny
        capital_text = _escape(money(capital)) if capital.as_tuple().exponent != -2 else f"{capital:,.2f}"
        lines.append(
            f'<tr>\n  <td class="name-cell"><a href="{base}{row.pk}/">{_escape(row.name)}</a></td>\n'
            f'  <td class="hide-narrow"><code>{_escape(row.credit_code)}</code></td>\n'
            f'  <td><span class="badge {status_class}">{status_name}</span></td>\n'
            f'  <td class="hide-narrow">{zone_name}</td>\n'
            f'  <td class="hide-narrow">{"、".join([categories[c.code] for c in row.categories])}</td>\n'
            f'  <td class="num">{capital_text}</td>\n'
            f'  <td class="num">{_escape(employees)}</td>\n</tr>\n'
        )
    return mark_safe("".join(lines))  # noqa: S308


@register.simple_tag
def page_size_links(sizes: Iterable[int], chosen: int, query: str) -> SafeString:
    """The page sizes, the chosen one in bold and the others linked with the list's query (as a template loop of
    a condition and three variables per size wrote them, each followed by a space)."""
    link = _escape(query)
    return mark_safe(  # noqa: S308 - the query is escaped, the sizes are numbers
        "".join(
            f"<strong>{size}</strong> " if size == chosen else f'<a href="?{link}&per_page={size}">{size}</a> '
            for size in sizes
        )
    )


def _in_language(english: bool, zh: str, en: str) -> str:
    """`common.i18n.localized` with the language read once for the page."""
    return en if english and en else (zh or en)


@register.filter
def status_label(status: str) -> str:
    """The status's label, as `get_status_display()` gives it but without hashing every choice's lazy label."""
    try:
        return str(EnterpriseStatus(status).label)
    except ValueError:
        return status
