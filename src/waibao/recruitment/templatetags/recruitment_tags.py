"""Template filters of the recruitment site: a posting's salary and languages in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from waibao.common.i18n import is_english
from waibao.common.labels import label
from waibao.recruitment.models import Posting

register = template.Library()


def _yuan(value: Decimal) -> str:
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,.2f}"


@register.filter
def salary(posting: Posting) -> str:
    low, high = posting.salary_min_cny, posting.salary_max_cny
    if low is not None and high is not None:
        if low == high:
            return _("%(amount)s CNY a month") % {"amount": _yuan(low)}
        return _("%(low)s to %(high)s CNY a month") % {"low": _yuan(low), "high": _yuan(high)}
    if low is not None:
        return _("from %(amount)s CNY a month") % {"amount": _yuan(low)}
    if high is not None:
        return _("up to %(amount)s CNY a month") % {"amount": _yuan(high)}
    return _("Salary to be agreed")


@register.filter
def languages(codes: list[str] | None) -> str:
    separator = ", " if is_english() else "、"
    return separator.join(label("work_language", code) for code in codes) if codes else "—"
