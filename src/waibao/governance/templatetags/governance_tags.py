"""Template helpers for governance pages: a duty's status badge, a dictionary lookup, the duty list's rows, and the
`lang` mark of text entered in Chinese shown on an English page."""

from __future__ import annotations

import re
from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from waibao.common.i18n import is_english
from waibao.governance.models import DutyStatus
from waibao.governance.selectors import DutyPageRow, MatrixRow

register = template.Library()

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0)


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, DutyStatus(status).label)


@register.filter
def zh_lang(text: object) -> SafeString:
    """` lang="zh-hans"` for an element holding `text` when the page is in English and the text has Chinese in
    it (titles, places, minutes and decisions are entered as typed, usually in Chinese), so a screen reader
    reads it in Chinese; nothing otherwise."""
    if is_english() and _CJK.search(str(text or "")):
        return SafeString(' lang="zh-hans"')
    return SafeString("")


@register.simple_tag
def duty_list_row(row: DutyPageRow) -> SafeString:
    """One row of the duty list, its cells from plain values (a template per cell costs a page of 25 rows several
    milliseconds)."""
    line = row.line
    key = format_html(' <span class="badge">{}</span>', _("key")) if line.is_key else ""
    partners = format_html(' <span class="muted">{} {}</span>', _("with"), row.partners) if row.partners else ""
    if row.deadline:
        left = format_html(' <span class="muted">{}</span>', row.days_left) if row.days_left else ""
        deadline = format_html("{}{}", row.deadline, left)
    else:
        deadline = format_html('<span class="muted">{}</span>', line.state.deadline_note or "—")
    text = line.text
    return format_html(
        '<td><a href="{}">{}</a>{}</td>\n<td>{}{}</td>\n<td{}>{}</td>\n<td>{}</td>\n<td>{}</td>\n'
        '<td><span class="badge status-{}">{}</span></td>',
        row.url,
        line.citation,
        key,
        line.department.name,
        partners,
        zh_lang(text),
        text,
        row.responsible or "—",
        deadline,
        line.state.status,
        row.status_label,
    )


@register.simple_tag
def matrix_cells(row: MatrixRow) -> SafeString:
    """A department's counts in the matrix, each linking the list filtered to that department and status."""
    code = row.department.code
    return format_html_join(
        "",
        '<td class="num">{}</td>',
        (
            (format_html('<a href="?department={}&amp;status={}">{}</a>', code, status, n) if n else "0",)
            for status, n in row.cells
        ),
    )


@register.simple_tag
def filter_controls(form: forms.Form) -> SafeString:
    """The duty list's filters, each labelled, written as Django's select and checkbox widgets write them (their
    templates cost the page's four filters a millisecond)."""
    parts = []
    for bound in form:
        field, value = bound.field, bound.value()
        if isinstance(field, forms.BooleanField):
            checked = " checked" if value else ""
            checkbox = '<input type="checkbox" name="{}" id="{}"{}>'
            control = format_html(checkbox, bound.html_name, bound.auto_id, checked)
        else:
            chosen = "" if value is None else str(value)
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, " selected" if str(v) == chosen else "", label) for v, label in field.choices),  # type: ignore[attr-defined]
            )
            control = format_html('<select name="{}" id="{}">{}</select>', bound.html_name, bound.auto_id, options)
        parts.append(format_html("<label>{} {}</label>", bound.label, control))
    return SafeString("".join(parts))
