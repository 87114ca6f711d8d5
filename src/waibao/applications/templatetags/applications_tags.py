"""Template tags: the unread-notification count in the header, money formatting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

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
