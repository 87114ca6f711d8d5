"""`{% import_limits %}`: the line an upload form shows about what a file may hold and where the import runs."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("jobs/_import_limits.html")
def import_limits() -> dict[str, Any]:
    return {"max_rows": settings.IMPORT_MAX_ROWS, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
