"""Template filters and tags of the recruitment site: a posting's salary and languages in the reader's language, the
job board's search fields and cards written at once (every value escaped by `html.escape`, which escapes the same
five characters as Django's `escape`)."""

from __future__ import annotations

from collections.abc import Container, Iterable
from decimal import Decimal
from html import escape

from django import forms, template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from waibao.common.forms import option_tags
from waibao.common.i18n import is_english
from waibao.common.labels import label
from waibao.recruitment.models import Posting
from waibao.recruitment.selectors import PostingCard

register = template.Library()


def _yuan(value: Decimal) -> str:
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,.2f}"


def salary_text(low: Decimal | None, high: Decimal | None) -> str:
    """A monthly salary range in words, either bound optional."""
    if low is not None and high is not None:
        if low == high:
            return _("%(amount)s CNY a month") % {"amount": _yuan(low)}
        return _("%(low)s to %(high)s CNY a month") % {"low": _yuan(low), "high": _yuan(high)}
    if low is not None:
        return _("from %(amount)s CNY a month") % {"amount": _yuan(low)}
    if high is not None:
        return _("up to %(amount)s CNY a month") % {"amount": _yuan(high)}
    return _("Salary to be agreed")


@register.filter
def salary(posting: Posting) -> str:
    return salary_text(posting.salary_min_cny, posting.salary_max_cny)


@register.filter
def languages(codes: list[str] | None) -> str:
    separator = ", " if is_english() else "、"
    return separator.join(label("work_language", code) for code in codes) if codes else "—"


@register.simple_tag
def search_fields(form: forms.Form) -> SafeString:
    """The job search's fields, each in its `<div>` with its label and errors: drop-downs and the check box
    written as Django's select and checkbox widgets write them, other fields through their widget (a template
    per field and option made the form the costliest part of the board)."""
    out = []
    for bound in form:
        field = bound.field
        name = escape(bound.html_name)
        label_text = escape(str(bound.label))
        errors = str(bound.errors) if form.is_bound and bound.errors else ""
        value = bound.value()
        if bound.errors:  # the widget marks its field invalid (aria-invalid, aria-describedby): Django writes it
            widget = str(bound)
        elif isinstance(field, forms.BooleanField):
            checked = " checked" if field.widget.check_test(value) else ""
            widget = f'<input type="checkbox" name="{name}" id="{escape(bound.auto_id)}"{checked}>'
        elif isinstance(field, forms.ChoiceField):
            options = option_tags(field.choices, value)
            widget = f'<select name="{name}" id="{escape(bound.auto_id)}">{options}</select>'
        else:
            widget = str(bound)
        if isinstance(field.widget, forms.CheckboxInput):
            out.append(f"<div><label>{widget} {label_text}</label>{errors}</div>")
        else:
            out.append(f'<div><label for="{escape(bound.id_for_label)}">{label_text}</label>{widget}{errors}</div>')
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


@register.simple_tag
def posting_cards(cards: Iterable[PostingCard], applied: Container[int]) -> SafeString:
    """The board's postings, a card each (the card's template, written at once)."""
    closed = f' <span class="badge">{escape(_("Closed"))}</span>'
    applied_badge = f'<span class="badge recognised">{escape(_("Applied"))}</span>'
    base = reverse("recruitment:posting", args=[0])[:-2]  # a posting's page is this and its id
    out = []
    for p in cards:
        pk = p["pk"]
        zone = f" · {escape(p['zone'])}" if p["zone"] else ""
        pay = salary_text(p["salary_min_cny"], p["salary_max_cny"])
        until = _("Applications until %(date)s") % {"date": p["closing_date"].isoformat()}
        out.append(
            f'<article class="card job-card" id="posting-{pk}">\n'
            f'  <h2 class="job-title"><a href="{base}{pk}/">{escape(p["title"])}</a>'
            f"{closed if p['status'] == 'expired' else ''}"
            f"{applied_badge if pk in applied else ''}</h2>\n"
            f'  <div><span translate="no">{escape(p["enterprise"])}</span>{zone}</div>\n'
            f'  <div class="muted">{escape(p["category"])} · {escape(pay)}'
            f" · {escape(languages(p['languages']))}</div>\n"
            f'  <div class="muted">{escape(until)}</div>\n</article>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped
