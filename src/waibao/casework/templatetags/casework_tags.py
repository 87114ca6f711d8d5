"""The workbench's and the supervision board's lines, written at once from the plain values their selectors make.

A template loop costs some thirty Python calls per variable it shows; the workbench shows fifty lines of a dozen
values, the board a line per department and up to four hundred overdue and at-risk cases. Every value is escaped
(`escape_html`: the five characters Django's `escape` escapes, in one pass).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from waibao.casework.selectors import BoardCells, BoardItem, BoardLine, WorkbenchLine
from waibao.common.forms import escape_html as escape
from waibao.workdays import timelimits
from waibao.workdays.timelimits import ClockState

register = template.Library()


@register.filter
def due_text(state: ClockState | str | None) -> str:
    """A clock's due date as the pages write it (`workdays.timelimits.due_text`); "" for a limit without a clock (the
    template reads its missing state as "")."""
    return timelimits.due_text(state) if isinstance(state, ClockState) else ""


def _case_link(row: BoardLine | BoardItem | WorkbenchLine) -> str:
    return f'<a href="{escape(row["url"])}">{escape(row["number"])}</a>'


@register.simple_tag
def workbench_lines(lines: Iterable[WorkbenchLine]) -> SafeString:
    """The workbench's table body: one line a case, or the line saying there is none."""
    confidential = f'<span class="badge">{escape(gettext("Confidential"))}</span> '
    out = []
    for row in lines:
        number = escape(row["number"])
        badge = (
            f'<span class="badge case-{escape(row["badge"])}">{escape(row["badge_label"])}</span> '
            f"{escape(row['time_left'])}"
            if row["badge"]
            else ""
        )
        out.append(
            f'<tr>\n<td><input type="checkbox" name="case" value="{number}" aria-label="{number}"></td>\n'
            f'<td><a href="{escape(row["url"])}">{number}</a></td><td>{escape(row["type_name"])}</td>\n'
            f"<td>{confidential if row['confidential'] else ''}"
            f'<span translate="no">{escape(row["title"])}</span></td>\n'
            f'<td>{escape(row["status_label"])}</td><td translate="no">{escape(row["handler"])}</td>\n'
            f'<td data-limit="{escape(row["limit"])}">{escape(row["limit_label"])}</td>\n'
            f"<td>{badge}</td>\n"
            f"<td>{escape(row['due'])}</td></tr>\n"
        )
    if not out:
        out.append(f'<tr><td colspan="9">{escape(gettext("No open case."))}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def board_table(cells: Iterable[BoardCells]) -> SafeString:
    """The board's table body: a department's line of counts and shares, or the line saying there is none."""
    out = []
    for r in cells:
        out.append(
            f'<tr><td>{escape(r["department"])}</td><td class="num">{r["open"]}</td><td class="num">{r["due"]}</td>'
            f'<td class="num">{r["overdue"]}</td><td class="num">{r["stopped"]}</td><td class="num">{r["done"]}</td>\n'
            f'<td class="num">{escape(r["on_time"])}</td>'
            f'<td class="num" data-limit="acceptance">{escape(r["acceptance"])}</td>'
            f'<td class="num" data-limit="first_response">{escape(r["first_response"])}</td>\n'
            f'<td class="num">{escape(r["ratings"])}</td><td class="num">{r["extensions"]}</td>'
            f'<td class="num">{r["supervised"]}</td></tr>\n'
        )
    if not out:
        out.append(f'<tr><td colspan="12">{escape(gettext("No case yet."))}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def board_lines(lines: Iterable[BoardLine], used: bool = False) -> SafeString:
    """Overdue or at-risk cases, one `<li>` each (with the working days used when `used`)."""
    out = []
    for row in lines:
        out.append(
            f'<li>{_case_link(row)} · {escape(row["department"])} · <span translate="no">{escape(row["title"])}</span>'
            f' · {escape(row["limit_label"])} <span class="badge case-{escape(row["badge"])}">'
            f"{escape(row['badge_label'])}</span>{' · ' + escape(row['used']) if used else ''}</li>"
        )
    return mark_safe("".join(out) or _no_case())  # noqa: S308 - every value above is escaped


@register.simple_tag
def board_items(items: Iterable[BoardItem], kind: str) -> SafeString:
    """Supervisions (`kind` "supervision"), pending extensions ("extension") or bad ratings ("rating"), one
    `<li>` each."""
    out = []
    for i in items:
        if kind == "supervision":
            out.append(
                f"<li>{escape(i['at'])} · {_case_link(i)} · {escape(i['department'])} · {escape(i['text'])}</li>"
            )
        elif kind == "extension":
            out.append(
                f'<li>{_case_link(i)} · {escape(i["text"])} · <span translate="no">{escape(i["note"])}</span></li>'
            )
        else:
            out.append(f"<li>{_case_link(i)} · {escape(i['department'])} · {escape(i['text'])}</li>")
    return mark_safe("".join(out) or _no_case())  # noqa: S308 - every value above is escaped


def _no_case() -> str:
    return f"<li>{escape(gettext('No case.'))}</li>"


@register.simple_tag
def status_options(statuses: Iterable[tuple[str, str]], selected: str) -> SafeString:
    """The workbench filter's status `<option>`s, `selected` marked."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(str(text))}</option>'
            for value, text in statuses
        )
    )


@register.simple_tag
def handler_options(handlers: Iterable[tuple[int, str, str, str]]) -> SafeString:
    """The handlers to give cases to, read as (id, first name, last name, user name): the full name, else the
    user name, as `get_full_name|default:username` shows them."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{pk}" translate="no">{escape(f"{first} {last}".strip() or username)}</option>'
            for pk, first, last, username in handlers
        )
    )
