"""Checking an enterprise's facts against the package's fact schema (facts.yaml).

Missing, malformed and unknown facts are refused with a `FactsError` naming the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from waibao.policy.engine.errors import FactsError
from waibao.policy.engine.i18n import gettext as _
from waibao.policy.engine.model import FactSpec, Package

FactValue = Decimal | int | bool | str | None
Item = dict[str, FactValue]

TOP_LEVEL_KEYS = ("year", "as_of", "enterprise")


@dataclass(frozen=True, slots=True)
class Facts:
    """Validated facts for one enterprise and year; `as_of` picks the parameter values in force."""

    year: int
    as_of: date
    enterprise: dict[str, FactValue]
    lists: dict[str, tuple[Item, ...]]


def parse_year(value: Any, *, field: str = "year") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        raise FactsError(_("must be a four-digit year (a JSON integer)"), field=field)
    return value


def parse_date(value: Any, *, field: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FactsError(_("must be a date written YYYY-MM-DD"), field=field)


def _number(spec: FactSpec, value: Any, field: str) -> Decimal:
    if isinstance(value, (bool, float)) or not isinstance(value, str | int):
        raise FactsError(_('must be a decimal string such as "1234.50"'), field=field)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise FactsError(_("%(value)r is not a number") % {"value": value}, field=field) from None
    if not number.is_finite():
        raise FactsError(_("%(value)r is not a finite number") % {"value": value}, field=field)
    if number < 0:
        raise FactsError(_("must not be negative"), field=field)
    if spec.type == "money" and number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FactsError(_("an amount of CNY has at most two decimal places (fen)"), field=field)
    return number


def parse_value(spec: FactSpec, value: Any, *, field: str, year: int) -> FactValue:
    """One fact, checked and converted for its declared type."""
    if value is None:
        if spec.nullable:
            return None
        raise FactsError(_("must not be null"), field=field)
    kind = spec.type
    if kind in ("money", "amount"):
        return _number(spec, value, field)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise FactsError(_("must be true or false"), field=field)
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise FactsError(_("must be a whole number (a JSON integer)"), field=field)
        if value < 0:
            raise FactsError(_("must not be negative"), field=field)
        if spec.not_after == "year" and value > year:
            raise FactsError(
                _("%(value)s is after the assessment year %(year)s") % {"value": value, "year": year}, field=field
            )
        return value
    # choice
    if not isinstance(value, str) or value not in spec.choices:
        raise FactsError(
            _("%(value)r is not one of %(choices)s") % {"value": value, "choices": ", ".join(spec.choices)}, field=field
        )
    return value


def parse_enterprise(
    package: Package, data: Any, *, year: int, prefix: str = "enterprise"
) -> tuple[dict[str, FactValue], dict[str, tuple[Item, ...]]]:
    """An enterprise's scalar facts and lists; every scalar fact is required, lists may be omitted."""
    if not isinstance(data, dict):
        raise FactsError(_("must be an object of facts"), field=prefix)
    for key in data:
        if key not in package.facts and key not in package.lists:
            raise FactsError(_("unknown fact"), field=f"{prefix}.{key}")
    values: dict[str, FactValue] = {}
    for name, spec in package.facts.items():
        if name not in data:
            raise FactsError(_("is required"), field=f"{prefix}.{name}")
        values[name] = parse_value(spec, data[name], field=f"{prefix}.{name}", year=year)
    lists: dict[str, tuple[Item, ...]] = {}
    for list_name, list_spec in package.lists.items():
        raw = data.get(list_name, [])
        list_field = f"{prefix}.{list_name}"
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise FactsError(_("must be a list"), field=list_field)
        items: list[Item] = []
        for i, entry in enumerate(raw):
            item_field = f"{list_field}[{i}]"
            if not isinstance(entry, dict):
                raise FactsError(_("must be an object"), field=item_field)
            for key in entry:
                if key not in list_spec.fields:
                    raise FactsError(_("unknown field"), field=f"{item_field}.{key}")
            item: Item = {}
            for name, spec in list_spec.fields.items():
                if name not in entry:
                    raise FactsError(_("is required"), field=f"{item_field}.{name}")
                item[name] = parse_value(spec, entry[name], field=f"{item_field}.{name}", year=year)
            items.append(item)
        lists[list_name] = tuple(items)
    return values, lists


def parse_facts(package: Package, data: Any) -> Facts:
    """The evaluate input: `{"year": …, "as_of": "YYYY-MM-DD", "enterprise": {…}}`.

    `as_of` may be omitted: it then defaults to the last day of `year`.
    """
    if not isinstance(data, dict):
        raise FactsError(_("the input must be a JSON object with year, as_of and enterprise"), field="(input)")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise FactsError(_("unknown key"), field=str(key))
    if "year" not in data:
        raise FactsError(_("is required"), field="year")
    year = parse_year(data["year"])
    as_of = parse_date(data["as_of"], field="as_of") if data.get("as_of") is not None else date(year, 12, 31)
    check_as_of(package, as_of)
    if "enterprise" not in data:
        raise FactsError(_("is required"), field="enterprise")
    values, lists = parse_enterprise(package, data["enterprise"], year=year)
    return Facts(year=year, as_of=as_of, enterprise=values, lists=lists)


def check_as_of(package: Package, as_of: date) -> None:
    if as_of < package.effective_from:
        raise FactsError(
            _("%(as_of)s is before the policy took effect (%(start)s)")
            % {"as_of": as_of, "start": package.effective_from},
            field="as_of",
        )


def default_enterprise(package: Package) -> dict[str, Any]:
    """Each fact's declared default: what a simulation assumes for facts its source does not hold."""
    return {name: spec.default for name, spec in package.facts.items()}
