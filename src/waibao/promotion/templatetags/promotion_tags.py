"""The pipeline's filters, board cards, list lines and stage totals, written at once from the plain values the
selectors make: a template loop costs some thirty Python calls per value it shows, and a form's fields a template
each. Every value is escaped (`escape_html`: the five characters Django's `escape` escapes, in one pass)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from waibao.common.forms import escape_html as escape
from waibao.common.forms import option_tags
from waibao.promotion.selectors import ProjectLine, StageTotalLine

register = template.Library()
_OVERDUE = ' class="overdue-text"'


@register.simple_tag
def filter_fields(form: forms.Form) -> SafeString:
    """The filter form's fields, each in its `<label>`: drop-downs and the check box written as Django's select
    and checkbox widgets write them (any other field through its widget)."""
    out = []
    for bound in form:
        field = bound.field
        name = escape(bound.html_name)
        value = bound.value()
        if bound.errors:  # the widget marks its field invalid (aria-invalid, aria-describedby): Django writes it
            widget = str(bound)
        elif isinstance(field, forms.ChoiceField):
            options = option_tags(field.choices, value)
            widget = f'<select name="{name}" id="{escape(bound.auto_id)}">{options}</select>'
        elif isinstance(field, forms.BooleanField):
            checked = " checked" if field.widget.check_test(value) else ""
            widget = f'<input type="checkbox" name="{name}" id="{escape(bound.auto_id)}"{checked}>'
        else:
            widget = str(bound)
        out.append(f"<label>{escape(str(bound.label))} {widget}</label>")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


@register.simple_tag
def stage_total_rows(totals: Iterable[StageTotalLine]) -> SafeString:
    """The list's totals per stage, a line a stage."""
    out = []
    for t in totals:
        amounts = "<br>".join(escape(a) for a in t["amounts"]) or "—"
        unconverted = f' <span class="muted">({escape(t["unconverted"])})</span>' if t["unconverted"] else ""
        out.append(
            f'<tr><td>{escape(t["stage_label"])}</td><td class="num">{t["count"]}</td><td>{amounts}</td>'
            f'<td class="num">{escape(t["usd"])}{unconverted}</td><td class="num">{escape(t["weighted_usd"])}</td>'
            f'<td class="num">{escape(t["average_days"])}</td><td class="num">{t["overdue"]}</td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


def _next_action(p: ProjectLine, overdue_label: str) -> str:
    due = f"{escape(p['due'])} {overdue_label}" if p["overdue"] else escape(p["due"])
    return (
        f'<span translate="no">{escape(p["next_action"])}</span> · <span{_OVERDUE if p["overdue"] else ""}>{due}</span>'
    )


@register.simple_tag
def project_rows(lines: Iterable[ProjectLine]) -> SafeString:
    """The list's lines, a project each, or the line saying none matches."""
    overdue_label = escape(gettext("overdue"))
    out = []
    for p in lines:
        lost = f' <span class="muted" translate="no">{escape(p["lost_reason"])}</span>' if p["lost_reason"] else ""
        out.append(
            f'<tr>\n<td><a href="{escape(p["url"])}" translate="no">{escape(p["title"])}</a></td>\n'
            f'<td><span translate="no">{escape(p["investor"])}</span> ({escape(p["country"])})</td>\n'
            f'<td>{escape(p["type_label"])}</td>\n<td class="num">{escape(p["amount"])}</td>\n'
            f"<td>{escape(p['department'])} · {escape(p['zone'])}</td>\n"
            f'<td>{escape(p["stage_label"])}{lost}</td>\n<td class="num">{escape(p["days"])}</td>\n'
            f"<td>{_next_action(p, overdue_label) if p['next_action'] else '—'}</td>\n</tr>"
        )
    if not out:
        out.append(f'<tr><td colspan="8">{escape(gettext("No project matches."))}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


@register.simple_tag(takes_context=True)
def kanban_columns(context: Any, columns: Iterable[tuple[str, str, list[ProjectLine]]], here: str) -> SafeString:
    """The board's columns of cards, each card with the one-click moves its reader may take (a form each,
    returning to `here`)."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(context.get("csrf_token", "")))}">'
    next_label = escape(gettext("Next"))
    overdue_label = escape(gettext("overdue"))
    none = f'<p class="muted">{escape(gettext("No project at this stage."))}</p>'
    back = escape(here)
    out = []
    for stage, stage_label, cards in columns:
        name = escape(str(stage_label))
        out.append(
            f'<section class="kanban-column" data-stage="{escape(stage)}" aria-label="{name}">\n'
            f'<h2><span>{name}</span> <span class="badge">{len(cards)}</span></h2>\n'
        )
        for p in cards:
            url = escape(p["url"])
            lines = [
                f'<article class="kanban-card{" overdue" if p["overdue"] else ""}" data-project="{p["pk"]}">',
                f'<a class="title" href="{url}" translate="no">{escape(p["title"])}</a>',
                f'<div class="muted"><span translate="no">{escape(p["investor"])}</span> ({escape(p["country"])})'
                f" · {escape(p['type_label'])}</div>",
                f"<div>{escape(p['amount'])}</div>",
                f'<div class="muted">{escape(p["department"])} · {escape(p["zone"])}</div>',
            ]
            if p["days_text"]:
                lines.append(f'<div class="muted">{escape(p["days_text"])}</div>')
            if p["next_action"]:
                late = f" ({overdue_label})" if p["overdue"] else ""
                lines.append(
                    f"<div{_OVERDUE if p['overdue'] else ''}>{next_label}: "
                    f'<span translate="no">{escape(p["next_action"])}</span> · {escape(p["due"])}{late}</div>'
                )
            for move, move_label in p["moves"]:
                lines.append(
                    f'<form method="post" action="{url}move/">{csrf}\n'
                    f'<input type="hidden" name="action" value="{escape(move)}">'
                    f'<input type="hidden" name="next" value="{back}">\n'
                    f'<button type="submit" class="btn btn-small">{escape(move_label)}</button>\n</form>'
                )
            lines.append("</article>\n")
            out.append("\n".join(lines))
        if not cards:
            out.append(none)
        out.append("</section>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped
