"""`{{ code|label:"status" }}`: the name of a code in the active language, through `common.labels`."""

from __future__ import annotations

from typing import Any

from django import template

from waibao.common.labels import label as lookup

register = template.Library()


@register.filter
def label(code: Any, namespace: str) -> str:
    return lookup(namespace, code)
