"""Template helpers of the top-ten pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def dict_get(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or "" (a run's inputs by indicator, names by enterprise id)."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, "")
