"""Template tags: the unread-notification count in the header, money formatting, the lists' rows."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from waibao.applications.models import ApplicationStatus
from waibao.applications.selectors import unread_notifications
from waibao.common.money import format_money

register = template.Library()


@register.simple_tag
def unread_count(user: Any) -> int:
    return unread_notifications(user)


@register.filter
def money(value: Decimal | str | None) -> str:
    if value in (None, ""):
        return "—"
    try:
        return format_money(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return str(value)


@register.simple_tag
def rule_title(rule_id: str) -> str:
    """The rule in words (the policy package's title in the current language)."""
    from waibao.applications.policy import rule_title as title_of

    return title_of(rule_id)


@register.simple_tag
def verified_on_notice(application: Any) -> list[str]:
    """Which figures of an award were verified and against what (for the public notice)."""
    from waibao.applications.verification import public_verification

    return public_verification(application)


@register.filter
def status_label(status: str) -> str:
    """An application status's label, as `get_status_display` gives it, without hashing every choice's lazy label
    on each call (the lists show one per row)."""
    try:
        return str(ApplicationStatus(status).label)
    except ValueError:
        return status


@register.simple_tag
def queue_rows(rows: Iterable[Any]) -> SafeString:
    """The work queue's rows, written at once (a row of variables, filters and a URL cost the template some seven
    hundred Python calls): the application linked to its page (the address built once), rule, year, applicant,
    status, department, age with the overdue mark, time limit, and the recommended amount or else the calculated
    one. Text is escaped with the standard library's `html.escape`, as Django's `escape` does."""
    base = reverse("applications:detail", args=[0])[:-2]  # an application's page is this and its id
    overdue = escape(gettext("overdue"))
    departments: dict[Any, str] = {}
    lines = []
    for row in rows:
        application = row.application
        status = escape(application.status)
        department_id = application.department_id
        if department_id not in departments:
            department = application.department
            departments[department_id] = escape(department.name) if department is not None else ""
        amount = application.recommended_amount_cny
        amount = application.calculated_amount_cny if amount is None else amount
        late = f' <span class="badge rejected">{overdue}</span>' if row.overdue else ""
        mark = ' class="overdue"' if row.overdue else ""
        lines.append(
            f"<tr{mark}>\n"
            f'  <td><a href="{base}{application.pk}/">{application.pk}</a></td>\n'
            f"  <td>{escape(application.rule_id)}</td><td>{application.year}</td>"
            f"<td>{escape(application.applicant_name)}</td>\n"
            f'  <td><span class="badge {status}">{escape(status_label(application.status))}</span></td>\n'
            f"  <td>{departments[department_id]}</td>\n"
            f'  <td class="num">{row.age_days}{late}</td>\n'
            f'  <td class="num">{"—" if row.limit_days is None else row.limit_days}</td>\n'
            f'  <td class="num">{escape(money(amount))}</td>\n'
            "</tr>"
        )
    return mark_safe("".join(lines))  # noqa: S308


@register.simple_tag
def my_application_rows(rows: Iterable[tuple[Any, str]]) -> SafeString:
    """An applicant's list, written at once (an application with what happens now): the application linked to its
    page (the address built once), rule, year, item, status, the approved amount or else the calculated one, and
    what happens now."""
    base = reverse("applications:detail", args=[0])[:-2]  # an application's page is this and its id
    lines = []
    for application, explained in rows:
        status = escape(application.status)
        amount = application.approved_amount_cny
        amount = application.calculated_amount_cny if amount is None else amount
        lines.append(
            "<tr>\n"
            f'  <td><a href="{base}{application.pk}/">{application.pk}</a></td>\n'
            f"  <td>{escape(application.rule_id)}</td><td>{application.year}</td>"
            f"<td>{escape(application.item_label or '')}</td>\n"
            f'  <td><span class="badge {status}">{escape(status_label(application.status))}</span></td>\n'
            f'  <td class="num">{escape(money(amount))}</td>\n'
            f'  <td class="muted">{escape(str(explained))}</td>\n'
            "</tr>"
        )
    return mark_safe("".join(lines))  # noqa: S308
