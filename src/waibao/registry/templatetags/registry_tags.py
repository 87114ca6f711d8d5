"""Template tags of the registry pages."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from waibao.common.forms import option_tags
from waibao.common.templatetags.money import money
from waibao.registry.models import EnterpriseStatus

register = template.Library()


# The enterprise list's filters (some eighty options) and rows are written here at once: through the template, a
# row of variables, filters and a URL cost some nine hundred Python calls and an option some sixty. Text is escaped
# with the standard library's `html.escape`, as Django's `escape` does, without its lazy wrapper.


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """The `<option>`s of a filter's select, the `selected` value marked."""
    return mark_safe(option_tags(choices, selected))  # noqa: S308 - escaped by option_tags


@register.simple_tag
def enterprise_rows(rows: Iterable[tuple[Any, Iterable[Any]]]) -> SafeString:
    """The rows of the enterprise list (an enterprise with its categories): the name linked to its page (the
    address built once), credit code, status, zone, categories, registered capital and employees. The zones',
    categories' and statuses' names are read once each."""
    base = reverse("registry:enterprise_detail", args=[0])[:-2]  # an enterprise's page is this and its id
    names: dict[tuple[str, Any], str] = {}

    def name(kind: str, key: Any, record: Any) -> str:
        if (kind, key) not in names:
            names[kind, key] = escape(str(record))
        return names[kind, key]

    lines = []
    for enterprise, categories in rows:
        status = enterprise.status
        zone = enterprise.zone
        lines.append(
            f'<tr>\n  <td class="name-cell"><a href="{base}{enterprise.pk}/">{escape(enterprise.name)}</a></td>\n'
            f'  <td class="hide-narrow"><code>{escape(enterprise.credit_code)}</code></td>\n'
            f'  <td><span class="badge {escape(status)}">{name("status", status, status_label(status))}</span></td>\n'
            f'  <td class="hide-narrow">{name("zone", zone.pk, zone) if zone is not None else ""}</td>\n'
            f'  <td class="hide-narrow">{"、".join(name("category", c.pk, c.name) for c in categories)}</td>\n'
            f'  <td class="num">{escape(money(enterprise.registered_capital_cny))}</td>\n'
            f'  <td class="num">{escape(str(intcomma(enterprise.employees)))}</td>\n</tr>\n'
        )
    return mark_safe("".join(lines))  # noqa: S308


def status_label(status: str) -> str:
    """The status's label, as `get_status_display()` gives it but without hashing every choice's lazy label."""
    try:
        return str(EnterpriseStatus(status).label)
    except ValueError:
        return status
