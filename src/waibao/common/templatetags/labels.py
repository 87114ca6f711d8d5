"""`{{ code|label:"status" }}`: the name of a code in the active language, through `common.labels`."""

from __future__ import annotations

from typing import Any

from django import template

from waibao.common.labels import label as lookup

register = template.Library()


@register.filter
def label(code: Any, namespace: str) -> str:
    return lookup(namespace, code)


@register.filter
def change_lines(changes: Any, status_namespace: str = "") -> list[tuple[str, str, str]]:
    """An audit event's changes as (field, before, after) in words: fields by their names, statuses by their
    labels; entries that are not a before/after pair (e.g. the ledger's balances) are left to the summary."""
    lines: list[tuple[str, str, str]] = []
    for field, value in (changes or {}).items():
        if not isinstance(value, list | tuple) or len(value) != 2:
            continue
        before, after = value
        if field == "status" and status_namespace:
            before, after = lookup(status_namespace, before), lookup(status_namespace, after)
        lines.append(
            (
                lookup("field", field),
                "—" if before in (None, "") else str(before),
                "—" if after in (None, "") else str(after),
            )
        )
    return lines


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)
