"""Amending a package's parameters from a later date (what-if simulations, test cases)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from waibao.policy.engine.loader import parse_parameter_value
from waibao.policy.engine.model import Citation, Package, ParameterValue


class AmendmentError(ValueError):
    """An amendment names an unknown parameter or a value of the wrong type."""


def amendment(
    package: Package, parameter: str, value: Any, effective_from: date, *, note: str
) -> tuple[str, ParameterValue]:
    """One dated value for `parameter`, checked against its type; cited to the parameter's article."""
    param = package.parameters.get(parameter)
    if param is None:
        raise AmendmentError(f"unknown parameter {parameter}")
    choices: tuple[str, ...] = ()
    if param.choices_of:
        list_name, _, field_name = param.choices_of.rpartition(".")
        spec = package.lists[list_name].fields[field_name] if list_name else package.facts[field_name]
        choices = spec.choices
    try:
        parsed = parse_parameter_value(param.type, value, choices=choices)
    except ValueError as exc:
        raise AmendmentError(f"{parameter}: {exc}") from exc
    citation = Citation(article=param.values[0].citation.article, text=note)
    return parameter, ParameterValue(effective_from=effective_from, value=parsed, citation=citation)


def parse_setting(package: Package, text: str, *, default_date: date, note: str) -> tuple[str, ParameterValue]:
    """`PARAM=VALUE@DATE` from the command line; VALUE is JSON-ish (`null`, a list) or a plain number."""
    if "=" not in text:
        raise AmendmentError(f"{text!r}: expected PARAM=VALUE@DATE")
    parameter, _, rest = text.partition("=")
    raw, at, when = rest.rpartition("@") if "@" in rest else (rest, "", "")
    try:
        start = date.fromisoformat(when) if at else default_date
    except ValueError:
        raise AmendmentError(f"{text!r}: {when!r} is not a date (YYYY-MM-DD)") from None
    value: Any
    try:
        value = json.loads(raw, parse_float=str)  # decimals stay exact text
    except json.JSONDecodeError:
        value = raw
    param = package.parameters.get(parameter.strip())
    if param is not None and param.type in ("money", "amount", "rate") and isinstance(value, int):
        value = str(value)
    return amendment(package, parameter.strip(), value, start, note=note)
