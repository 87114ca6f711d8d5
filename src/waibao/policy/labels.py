"""The policy's codes in people's words: bases, reward kinds, choice values, and the package's facts and
parameters by their titles (data, in both languages). Registered with the one label lookup (`common.labels`)
when the app is ready, and used by the engine to word its explanations (`ExplanationWords`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from waibao.common.i18n import localized
from waibao.common.labels import label, register, register_resolver
from waibao.common.money import format_money

BASIS = {
    "fixed": gettext_lazy("Fixed amount"),
    "ceiling": gettext_lazy("Ceiling (at most)"),
    "floor": gettext_lazy("Floor (at least)"),
    "range": gettext_lazy("Range (between a minimum and a maximum)"),
    "eligible": gettext_lazy("Eligible (the amount is set by the city)"),
}
REWARD_KINDS = {"cash": gettext_lazy("Cash reward"), "tax_deduction": gettext_lazy("Tax deduction")}
# People's words for the choice values of the default package; another package's values show humanised.
CHOICES = {
    "none": pgettext_lazy("recognition level", "Not recognised"),
    "city": gettext_lazy("City level"),
    "provincial": gettext_lazy("Provincial level"),
    "national": gettext_lazy("National level"),
    "fresh_graduate": gettext_lazy("Fresh graduate"),
    "unemployed_graduate": gettext_lazy("Unemployed graduate"),
    "new_employee": gettext_lazy("New employee"),
    "customised": gettext_lazy("Customised training"),
}
UNITS = {
    "m2": "m²",
    "USD": gettext_lazy("USD"),
    "CNY": gettext_lazy("CNY"),
    "level": "",
    "year": "",
    "years": gettext_lazy("year(s)"),
    "count": "",
    "person": gettext_lazy("person(s)"),
}


def _package() -> Any:
    from waibao.policy.engine import default_package

    return default_package()


def _fact_spec(code: str) -> Any:
    package = _package()
    name = code.removeprefix("item.")
    list_name, dot, field_name = code.partition(".")
    if dot and list_name in package.lists:  # "trainees.category": a field of a list
        return package.lists[list_name].fields.get(field_name)
    if code.startswith("item."):
        for spec in package.lists.values():
            if name in spec.fields:
                return spec.fields[name]
        return None
    if name in package.facts:
        return package.facts[name]
    for spec in package.lists.values():  # a list field named without "item."
        if name in spec.fields:
            return spec.fields[name]
    return None


def fact_title(code: str) -> str | None:
    spec = _fact_spec(code)
    return localized(spec.title.zh, spec.title.en) if spec is not None else None


def parameter_title(code: str) -> str | None:
    param = _package().parameters.get(code)
    return localized(param.title.zh, param.title.en) if param is not None else None


def list_title(code: str) -> str | None:
    spec = _package().lists.get(code)
    return localized(spec.title.zh, spec.title.en) if spec is not None else None


def rule_title(code: str) -> str | None:
    for rule in _package().rules:
        if rule.id == code:
            return f"{rule.id} {localized(rule.title.zh, rule.title.en)}"
    return None


def fund_title(code: str) -> str | None:
    text = _package().funds.get(code)
    return localized(text.zh, text.en) if text is not None else None


def register_policy_labels() -> None:
    register("basis", BASIS)
    register("reward_kind", REWARD_KINDS)
    register("choice", CHOICES)
    register_resolver("fact", fact_title)
    register_resolver("parameter", parameter_title)
    register_resolver("list", list_title)
    register_resolver("rule", rule_title)
    register_resolver("fund", fund_title)


# ---- values in explanations ----------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def display_scalar(value: Any, *, type_: str = "", unit: str = "") -> str:
    """One value for people: money with separators and the currency, rates as percentages, choices in words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):  # qualifying levels: {"CMMI": 3, "PCMM": None}
        return "; ".join(
            f"{label('choice', k)} ≥ {v}" if v is not None else f"{label('choice', k)} ({_('any level')})"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return "、".join(display_scalar(v, type_=type_, unit=unit) for v in value)
    if isinstance(value, str) and type_ not in ("money", "amount", "rate", "integer"):
        return label("choice", value) if value in CHOICES else value
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if type_ == "money":
        return _("%(amount)s CNY") % {"amount": format_money(number)}
    if type_ == "rate":
        return f"{_number(number * 100)} %"
    if type_ == "integer":
        return f"{number.normalize():f} {UNITS.get(unit, unit) if unit else ''}".strip()
    shown_unit = str(UNITS.get(unit, unit)) if unit else ""
    return f"{_number(number)} {shown_unit}".strip()


class ExplanationWords:
    """What the engine's trace messages call facts, parameters and lists, and how they show values."""

    NAME_KEYS = {
        "fact": "fact",
        "previous": "fact",
        "base": "fact",
        "list": "list",
        "parameter": "parameter",
        "rate": "parameter",
        "cap": "parameter",
        "floor": "parameter",
        "tier": "parameter",
    }
    # value key → the key naming what it is the value of
    VALUE_OF = {
        "value": "fact",
        "previous_value": "previous",
        "base_value": "base",
        "compared_to": "parameter",
        "rate_value": "rate",
        "cap_value": "cap",
        "floor_value": "floor",
        "tier_from": "tier",
    }

    def name(self, key: str, code: Any) -> str | None:
        namespace = self.NAME_KEYS.get(key)
        return label(namespace, code) if namespace and isinstance(code, str) else None

    def value(self, key: str, value: Any, entry: dict[str, Any]) -> str | None:
        if key == "choices" and isinstance(value, list | tuple):
            return "、".join(label("choice", v) if isinstance(v, str) else str(v) for v in value)
        if key in ("result", "raw"):
            return display_scalar(value, type_="money")
        owner = self.VALUE_OF.get(key)
        if owner is None or owner not in entry:
            return None
        code = entry[owner]
        if self.NAME_KEYS.get(owner) == "fact":
            spec = _fact_spec(code)
            if spec is None:
                return None
            return display_scalar(value, type_=spec.type, unit=spec.unit)
        param = _package().parameters.get(code)
        if param is None:
            return None
        if key == "compared_to" and entry.get("code", "").startswith("level"):
            return str(value)
        return display_scalar(value, type_=param.type, unit=param.unit)
