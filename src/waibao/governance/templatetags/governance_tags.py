"""Template helpers for governance pages: a duty's status badge, a dictionary lookup."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from waibao.governance.models import DutyStatus

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0)


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, DutyStatus(status).label)
