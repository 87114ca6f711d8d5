"""Template helpers of the top-ten pages."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from waibao.common.labels import label
from waibao.topten.selectors import RunLine

register = template.Library()


@register.filter
def dict_get(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or "" (a run's inputs by indicator, names by enterprise id)."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(key, "")


@register.simple_tag
def run_rows(lines: Iterable[RunLine]) -> SafeString:
    """The list of runs: year and number linking the run, when it was made (the city's time), method, eligible of
    considered, status; written at once, each text escaped as the template would (a row of template variables,
    filters and a URL costs some nine hundred calls)."""
    base = reverse("topten:run", args=[0])[:-2]  # a run's page is this and its id
    default = f' <span class="badge">{escape(_("default"))}</span>'
    rows = [
        f'<tr><td><a href="{base}{run.pk}/">{run.year} #{run.pk}</a></td>'
        f"<td>{timezone.localtime(run.created_at).strftime('%Y-%m-%d %H:%M')}</td>"  # as `date:"Y-m-d H:i"`
        f"<td>{escape(run.method_code)}{default if run.is_default_method else ''}</td>"
        f'<td class="num">{run.eligible_count} / {run.considered_count}</td>'
        f"<td>{escape(label('topten_run_status', run.status))}</td></tr>"
        for run in lines
    ]
    if not rows:
        return SafeString(f'<tr><td colspan="5" class="muted">{escape(_("No run yet."))}</td></tr>')
    return SafeString("".join(rows))
