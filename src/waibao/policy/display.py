"""How policy data reads on pages: labels for bases and kinds, parameter values, bilingual texts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from waibao.common.i18n import is_english, localized
from waibao.common.money import format_money
from waibao.policy.engine.model import Parameter, Text


def texts(text: Text) -> dict[str, str]:
    """The text in the active language first, the other language second."""
    primary = localized(text.zh, text.en)
    secondary = text.zh if is_english() else text.en
    return {"primary": primary, "secondary": secondary}


def display_value(param: Parameter, value: Any) -> str:
    """A parameter value for people: money with separators, rates as percentages."""
    if value is None:
        return _("not set")
    if param.type == "money":
        return f"{format_money(value)} {_('CNY')}"
    if param.type == "rate":
        return f"{(Decimal(value) * 100).normalize():f} %"
    if param.type == "amount":
        return f"{Decimal(value):,f} {param.unit}"
    from waibao.policy.labels import display_scalar

    return display_scalar(value, type_=param.type, unit=param.unit)
