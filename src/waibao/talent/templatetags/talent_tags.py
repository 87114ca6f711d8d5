"""Template tags of the talent pages."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from waibao.common.i18n import is_english
from waibao.common.labels import labeller
from waibao.common.templatetags.money import money

register = template.Library()


@register.simple_tag
def programme_rows(lines: Iterable[dict[str, Any]]) -> SafeString:
    """The programme list's rows from plain values (`selectors.programme_lines`), written at once: the name linked
    to the programme's page (the address built once), institution, type (with the employer of customised
    training), dates, fee, enrolled of capacity, completed, recognition. Text is escaped with the standard
    library's `html.escape`, as Django's `escape` does."""
    base = reverse("talent:programme", args=[0])[:-2]  # a programme's page is this and its id
    label = labeller()
    english = is_english()

    def in_language(zh: str, en: str) -> str:  # `common.i18n.localized`, the language read once for the list
        return en if english and en else zh or en

    rows = []
    for p in lines:
        employer = in_language(p["employer__name_zh"] or "", p["employer__name_en"] or "")
        employer_cell = f' · <span translate="no">{escape(employer)}</span>' if employer else ""
        recognition = escape(p["recognition"])
        rows.append(
            "<tr>\n"
            f'<td><a href="{base}{p["pk"]}/" translate="no">{escape(in_language(p["name_zh"], p["name_en"]))}</a></td>'
            f'<td translate="no">{escape(in_language(p["institution__name_zh"], p["institution__name_en"]))}</td>\n'
            f"<td>{escape(label('programme_kind', p['kind']))}{employer_cell}</td>\n"
            f"<td>{p['starts_on'].isoformat()} – {p['ends_on'].isoformat()}</td>"
            f'<td class="num">{escape(money(p["fee_cny"]))}</td>\n'
            f'<td class="num">{p["enrolled_count"]} / {p["capacity"]}</td><td class="num">{p["completed_count"]}</td>\n'
            f'<td><span class="badge {recognition}">{escape(label("recognition", p["recognition"]))}</span></td>\n'
            "</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308
