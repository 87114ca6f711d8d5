"""Template helpers for governance pages: a duty's status badge, a dictionary lookup, the duty list's rows, and the
`lang` mark of text entered in Chinese shown on an English page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms, template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from waibao.common.forms import escape_html as escape
from waibao.common.i18n import is_english
from waibao.governance.models import DutyStatus, MeetingStatus
from waibao.governance.selectors import DutyPageRow, MatrixRow, duty_url_base, status_labels

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
def duty_list_rows(rows: Sequence[DutyPageRow]) -> SafeString:
    """The rows of the duty list, their cells from plain values and each text escaped as the template would (a
    template, or `format_html`, per cell costs a page of 25 rows several milliseconds)."""
    if not rows:
        return SafeString(f'<tr><td colspan="6">{escape(_("No duty matches."))}</td></tr>')
    english, key_badge, with_ = is_english(), escape(_("key")), escape(_("with"))
    out = []
    for row in rows:
        line, text = row.line, row.text
        key = f' <span class="badge">{key_badge}</span>' if line.is_key else ""
        partners = f' <span class="muted">{with_} {escape(row.partners)}</span>' if row.partners else ""
        if row.deadline:
            left = f' <span class="muted">{escape(row.days_left)}</span>' if row.days_left else ""
            deadline = f"{escape(row.deadline)}{left}"
        else:
            deadline = f'<span class="muted">{escape(line.state.deadline_note or "—")}</span>'
        lang = ' lang="zh-hans"' if english and _CJK.search(text) else ""  # as `zh_lang`
        out.append(
            f'<tr>\n<td><a href="{escape(row.url)}">{escape(line.citation)}</a>{key}</td>\n'
            f"<td>{escape(row.department)}{partners}</td>\n"
            f"<td{lang}>{escape(text)}</td>\n"
            f"<td>{escape(row.responsible or '—')}</td>\n"
            f"<td>{deadline}</td>\n"
            f'<td><span class="badge status-{escape(str(line.state.status))}">{escape(row.status_label)}</span></td>\n'
            "</tr>"
        )
    return SafeString("".join(out))


@register.simple_tag
def duty_matrix_table(matrix: Iterable[MatrixRow], totals: Mapping[str, int], count: int) -> SafeString:
    """The matrix of departments × status, head, body and totals: each count links the list filtered to that
    department and status (written at once: a template cell costs some forty calls, the matrix has a hundred)."""
    head = "".join(f'<th class="num">{escape(label)}</th>' for label in status_labels(get_language()).values())
    body = []
    for row in matrix:
        code = escape(row.department.code)
        cells = "".join(
            f'<td class="num"><a href="?department={code}&amp;status={status}">{n}</a></td>'
            if n
            else '<td class="num">0</td>'
            for status, n in row.counts.items()
        )
        body.append(f'<tr><td>{escape(row.name)}</td>{cells}<td class="num">{row.total}</td></tr>')
    foot = "".join(f'<th class="num">{n}</th>' for n in totals.values())
    total = escape(_("Total"))
    return SafeString(
        f'\n<thead><tr><th>{escape(_("Department"))}</th>{head}<th class="num">{total}</th></tr></thead>\n'
        f"<tbody>{''.join(body)}</tbody>\n"
        f'<tfoot><tr><th>{total}</th>{foot}<th class="num">{count}</th></tr></tfoot>\n'
    )


@register.simple_tag
def filter_controls(form: forms.Form) -> SafeString:
    """The duty list's filters, each labelled, written as Django's select and checkbox widgets write them (their
    templates cost the page's four filters a millisecond)."""
    parts = []
    for bound in form:
        field, value = bound.field, bound.value()
        name, auto_id = escape(bound.html_name), escape(str(bound.auto_id))
        if isinstance(field, forms.BooleanField):
            checked = " checked" if value else ""
            control = f'<input type="checkbox" name="{name}" id="{auto_id}"{checked}>'
        else:
            chosen = "" if value is None else str(value)
            options = "".join(
                f'<option value="{escape(str(v))}"{" selected" if str(v) == chosen else ""}>'
                f"{escape(str(label))}</option>"
                for v, label in field.choices  # type: ignore[attr-defined]
            )
            control = f'<select name="{name}" id="{auto_id}">{options}</select>'
        parts.append(f"<label>{escape(str(bound.label))} {control}</label>")
    return SafeString("".join(parts))


# --- the cockpit's tables, written at once -----------------------------------------------------------------------
# Each cell of a template loop costs some forty Python calls (the variable's lookup, its filters, escaping); the
# cockpit shows a hundred of them on every visit. The tags below write the same markup from the values, escaping
# each text as the template would (`html.escape`, which Django's own `escape` calls).


@register.simple_tag
def cockpit_fund_rows(fund: Any) -> SafeString:
    """The fund table's body and footer: per source, then the total, budget, committed, paid and available."""

    def cells(tag: str, name: object, totals: Any) -> str:
        # Ledger totals are exact fen: two places with separators is what `money` writes of them.
        return (
            f"<tr><{tag}>{escape(str(name))}</{tag}>"
            f'<{tag} class="num">{totals.budgeted:,.2f}</{tag}><{tag} class="num">{totals.committed:,.2f}</{tag}>'
            f'<{tag} class="num">{totals.paid:,.2f}</{tag}><{tag} class="num">{totals.available:,.2f}</{tag}></tr>'
        )

    body = "".join(cells("td", source.name, totals) for source, totals in fund.sources)
    total = cells("th", _("Total"), fund.total)
    return SafeString(f"<tbody>{body}</tbody>\n<tfoot>{total}</tfoot>")


@register.simple_tag
def cockpit_stage_rows(stages: Iterable[Any]) -> SafeString:
    """The applications table's rows: stage, count, days the oldest has waited in it."""
    return SafeString(
        "".join(
            f'<tr><td>{escape(s.label)}</td><td class="num">{s.count}</td>'
            f'<td class="num">{"—" if s.oldest_days is None else s.oldest_days}</td></tr>'
            for s in stages
        )
    )


@register.simple_tag
def cockpit_duty_totals(totals: Mapping[str, int]) -> SafeString:
    """Each status that some duty is in, as its badge and the number of duties."""
    return SafeString(
        "".join(
            f'<span class="badge status-{status}">{escape(str(DutyStatus(status).label))}</span> {n} '
            for status, n in totals.items()
            if n
        )
    )


@register.simple_tag
def cockpit_indicators(indicators: Iterable[tuple[Any, Any]]) -> SafeString:
    """The live indicators: the share in whole percent (rounded as `{% widthratio %}` rounds) with its numerator,
    denominator and period, or why the figure is not available."""
    items = []
    for indicator, value in indicators:
        if not value.available:
            figure = f'<span class="muted">{escape(value.note)}</span>'
        else:
            share = "—"
            if value.share is not None:
                share = f"<strong>{round(float(value.numerator) / float(value.denominator) * 100)} %</strong>"
            figure = (
                f'{share} <span class="muted">({value.numerator} / {value.denominator} · {escape(value.period)})</span>'
            )
        items.append(f"<li>{escape(str(indicator.title))}: {figure}</li>")
    return SafeString("".join(items))


def _truncated(text: str, length: int) -> str:
    """As `truncatechars:length`: Django's `Truncator` reads every character (a call each) even of a short text,
    which it returns normalised (NFC) and untouched; only a longer text goes through it."""
    normalised = unicodedata.normalize("NFC", text)
    if len(normalised) <= length:  # at most `length` characters, combining ones or not: nothing to cut
        return normalised
    return Truncator(text).chars(length)


@register.simple_tag
def cockpit_decisions(rows: Iterable[Any]) -> SafeString:
    """Open decisions of the leadership group: citation linking the duty, the text cut to 40 characters, status."""
    items = []
    base = duty_url_base()
    for row in rows:
        text = row.text
        cut = _truncated(text, 40)
        status = row.state.status
        items.append(
            f'<li><a href="{base}{row.pk}/">{escape(row.citation)}</a> '
            f"<span{zh_lang(text)}>{escape(cut)}</span> "
            f'<span class="badge status-{status}">{escape(str(DutyStatus(status).label))}</span></li>'
        )
    return SafeString("".join(items))


@register.simple_tag
def meeting_rows(meetings: Iterable[Any]) -> SafeString:
    """The meetings list's rows: number linking the meeting, title, start in the city's time, status (written at
    once: a row of template variables, a date filter, a URL and `get_status_display` cost some eleven hundred
    calls, and the list shows up to 25)."""
    english = is_english()
    labels = dict(MeetingStatus.choices)
    base = reverse("governance:meeting", args=[0])[:-2]  # a meeting's page is this and its id
    rows = []
    for m in meetings:
        title = str(m.title)
        lang = ' lang="zh-hans"' if english and _CJK.search(title) else ""  # as `zh_lang`
        starts = timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")  # as `date:"Y-m-d H:i"`
        rows.append(
            f'<tr><td><a href="{base}{m.pk}/">{escape(m.code)}</a></td><td{lang}>{escape(title)}</td>'
            f"<td>{starts}</td><td>{escape(str(labels.get(m.status, m.status)))}</td></tr>\n"
        )
    if not rows:
        return SafeString(f'<tr><td colspan="4">{escape(_("No meeting yet."))}</td></tr>')
    return SafeString("".join(rows))
