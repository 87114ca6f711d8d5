"""'What am I entitled to?': the facts form, prefilled from the registry and approved statistics, and
the engine's result explained for people. A calculation only: nothing here writes to the database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from waibao.common.labels import label
from waibao.common.money import format_money
from waibao.policy.display import display_value, texts
from waibao.policy.engine import Entitlement, Facts, FactsError, Package, Result, default_enterprise
from waibao.policy.engine.facts import parse_value
from waibao.policy.engine.model import FactSpec, Rule
from waibao.registry.models import Enterprise

# How many blank rows the form offers per list; a package's other lists get DEFAULT_LIST_ROWS.
LIST_ROWS = {"certifications": 3, "trainees": 5}
DEFAULT_LIST_ROWS = 3

UNIT_LABELS = {"m2": "m²"}
COMPARED_TO_PARAMETER = {">=", ">", "<=", "<", "==", "growth_at_least", "within_years_after"}
FACTS_ERROR_FIELD = re.compile(r"^enterprise\.(\w+)(?:\[(\d+)\]\.(\w+))?$")


# ---- years and prefilled values ------------------------------------------------------------------


def assessment_years(package: Package, today: date) -> list[int]:
    """The years one may assess: from the year the package took effect to the current year."""
    return list(range(package.effective_from.year, max(today.year, package.effective_from.year) + 1))


def default_year(years: list[int], today: date) -> int:
    """Last calendar year, the usual year to claim for; the nearest offered year otherwise."""
    wanted = today.year - 1
    return wanted if wanted in years else years[0] if wanted < years[0] else years[-1]


def parse_year(raw: str | None, years: list[int]) -> int | None:
    """The year chosen in a request, or None when it is missing or not one of `years`."""
    try:
        year = int(str(raw or "").strip())
    except ValueError:
        return None
    return year if year in years else None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a prefilled fact came from, and the value it held there."""

    label: str
    value: Any


@dataclass(frozen=True, slots=True)
class Prefill:
    year: int
    values: dict[str, Any]
    sources: dict[str, Source]

    def initial(self) -> dict[str, Any]:
        """The values as the form's initial data (amounts as plain decimal strings)."""
        data: dict[str, Any] = {"year": self.year}
        for name, value in self.values.items():
            data[name] = str(value) if isinstance(value, Decimal) else value
        return data


def approved_statistics(*, enterprise_id: int, year: int) -> dict[str, Any]:
    """The approved statistics of the year as facts; none when the statistics app is not installed."""
    try:
        from waibao.statistics.selectors import approved_facts
    except ImportError:  # the policy app runs without statistics (another city's deployment)
        return {}
    return approved_facts(enterprise_id=enterprise_id, year=year)


def prefill(package: Package, enterprise: Enterprise, year: int) -> Prefill:
    """Facts.yaml defaults, overridden by the registry field of the same name, then by approved statistics."""
    values = dict(default_enterprise(package))
    sources: dict[str, Source] = {}
    columns = {f.name for f in Enterprise._meta.concrete_fields}
    for name in package.facts:
        if name in columns:
            values[name] = getattr(enterprise, name)
            sources[name] = Source(_("the registry"), values[name])
    statistics_label = _("approved statistics for %(year)s") % {"year": year}
    for name, value in approved_statistics(enterprise_id=enterprise.pk, year=year).items():
        if name in package.facts:
            values[name] = value
            sources[name] = Source(statistics_label, value)
    return Prefill(year=year, values=values, sources=sources)


# ---- labels and values for people ----------------------------------------------------------------


def choice_label(value: Any) -> str:
    return label("choice", value) if isinstance(value, str) else str(value)


def fact_label(spec: FactSpec) -> str:
    title = texts(spec.title)["primary"]
    if spec.type == "money":
        return _("%(title)s (CNY)") % {"title": title}
    return title


def money_text(amount: Decimal) -> str:
    return f"{format_money(amount)} {_('CNY')}"


def fact_display(spec: FactSpec | None, value: Any) -> str:
    """A fact's value as people read it: money with separators, yes/no, choice labels, units."""
    if value is None or value == "":
        return "—"
    if spec is None:
        return str(value)
    if spec.type == "money":
        return money_text(Decimal(value))
    if spec.type == "amount":
        return f"{Decimal(value):,f} {UNIT_LABELS.get(spec.unit, spec.unit)}"
    if spec.type == "boolean":
        return _("yes") if value else _("no")
    if spec.type == "choice":
        return choice_label(value)
    return str(value)


def row_field(list_name: str, index: int, name: str) -> str:
    return f"{list_name}-{index}-{name}"


# ---- the form ------------------------------------------------------------------------------------


def fact_field(spec: FactSpec, *, required: bool, in_row: str = "") -> forms.Field:
    """A form field for one fact; amounts stay text, so the engine's own checks give the messages."""
    label = fact_label(spec)
    attrs = {"aria-label": f"{in_row}: {label}"} if in_row else {}
    result: forms.Field
    if spec.type in ("money", "amount"):
        result = forms.CharField(
            label=label,
            required=required,
            max_length=32,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs}),
        )
    elif spec.type == "boolean":
        result = forms.BooleanField(label=label, required=False, widget=forms.CheckboxInput(attrs=attrs))
    elif spec.type == "integer":
        result = forms.IntegerField(label=label, required=required, widget=forms.NumberInput(attrs=attrs))
    else:
        choices = [(c, choice_label(c)) for c in spec.choices]
        if in_row or not required:
            choices.insert(0, ("", "—"))
        result = forms.ChoiceField(label=label, required=required, choices=choices, widget=forms.Select(attrs=attrs))
    if spec.nullable and not in_row:
        result.help_text = _("Leave empty if there is no figure.")
    return result


def _fact_input(spec: FactSpec, value: Any) -> Any:
    """A cleaned form value as the engine's input: text amounts, booleans, integers, None for empty."""
    if spec.type == "boolean":
        return bool(value)
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class EntitlementForm(forms.Form):
    """Every fact of the package; list items as a fixed number of rows (`certifications-0-fee_cny`)."""

    year = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args: Any, package: Package, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.package = package
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, str(y)) for y in years]
        for name, spec in package.facts.items():
            self.fields[name] = fact_field(spec, required=not spec.nullable)
        self.row_counts: dict[str, int] = {}
        for list_name, list_spec in package.lists.items():
            count = LIST_ROWS.get(list_name, DEFAULT_LIST_ROWS)
            self.row_counts[list_name] = count
            list_title = texts(list_spec.title)["primary"]
            for i in range(count):
                for name, spec in list_spec.fields.items():
                    self.fields[row_field(list_name, i, name)] = fact_field(
                        spec, required=False, in_row=f"{list_title} {i + 1}"
                    )
        # Per list, the form row behind each item given to the engine (empty rows are left out).
        self.submitted_rows: dict[str, list[int]] = {}

    def facts_input(self) -> dict[str, Any]:
        """The engine's evaluate input from the cleaned form; remembers which rows were submitted.

        Each fact is also checked on its own first, so that every wrong field is marked at once (the
        engine stops at the first); `parse_facts` stays the one authority over the whole input.
        """
        data = self.cleaned_data
        year = data["year"]
        enterprise: dict[str, Any] = {}
        for name, spec in self.package.facts.items():
            enterprise[name] = _fact_input(spec, data.get(name))
            self._check(spec, enterprise[name], name, year)
        for list_name, list_spec in self.package.lists.items():
            items: list[dict[str, Any]] = []
            rows: list[int] = []
            for i in range(self.row_counts[list_name]):
                raw = {name: data.get(row_field(list_name, i, name)) for name in list_spec.fields}
                if all(value in (None, "", False) for value in raw.values()):
                    continue
                item: dict[str, Any] = {}
                for name, spec in list_spec.fields.items():
                    value = _fact_input(spec, raw[name])
                    if value is None and not spec.nullable:
                        self.add_error(row_field(list_name, i, name), _("is required"))
                        continue  # left out, so the engine too names this field as required
                    item[name] = value
                    self._check(spec, value, row_field(list_name, i, name), year)
                items.append(item)
                rows.append(i)
            enterprise[list_name] = items
            self.submitted_rows[list_name] = rows
        return {"year": year, "enterprise": enterprise}

    def _check(self, spec: FactSpec, value: Any, name: str, year: int) -> None:
        if name in self.errors:
            return
        try:
            parse_value(spec, value, field=name, year=year)
        except FactsError as error:
            self.add_error(name, str(error.detail))

    def add_facts_error(self, error: FactsError) -> None:
        """Put the engine's refusal on the field it names (`enterprise.trainees[1].fee_cny` → its row)."""
        name: str | None = None
        match = FACTS_ERROR_FIELD.match(error.field or "")
        if match:
            fact, index, item_field = match.groups()
            if index is None:
                name = fact
            else:
                rows = self.submitted_rows.get(fact, [])
                if int(index) < len(rows):
                    name = row_field(fact, rows[int(index)], item_field)
        if name in self.fields:
            self.add_error(name, str(error.detail))
        else:
            self.add_error(None, str(error.message))

    def scalar_rows(self, sources: dict[str, Source]) -> list[dict[str, Any]]:
        """Each scalar fact's bound field with where its prefilled value came from."""
        rows = []
        for name, spec in self.package.facts.items():
            source = sources.get(name)
            rows.append(
                {
                    "field": self[name],
                    "checkbox": spec.type == "boolean",
                    "source": source.label if source else "",
                    "source_value": fact_display(spec, source.value) if source else "",
                }
            )
        return rows

    def list_tables(self) -> list[dict[str, Any]]:
        """Each list as a table: its title, the field headers, and rows of bound fields."""
        tables = []
        for list_name, list_spec in self.package.lists.items():
            tables.append(
                {
                    "name": list_name,
                    "title": texts(list_spec.title)["primary"],
                    "headers": [fact_label(spec) for spec in list_spec.fields.values()],
                    "rows": [
                        [self[row_field(list_name, i, name)] for name in list_spec.fields]
                        for i in range(self.row_counts[list_name])
                    ],
                }
            )
        return tables


# ---- the result explained ------------------------------------------------------------------------


@dataclass(slots=True)
class ConditionRow:
    fact: str  # the fact's title
    fact_id: str
    value: str
    compared_to: str
    passed: bool
    message: str


@dataclass(slots=True)
class ParameterRow:
    title: str
    parameter_id: str
    value: str
    effective_from: str
    citation: dict[str, str] | None


@dataclass(slots=True)
class AmountRow:
    role: str
    result: str
    message: str


@dataclass(slots=True)
class EntitlementView:
    rule: str
    article: str
    title: str
    kind: str
    kind_label: str
    basis: str
    basis_name: str
    basis_text: str
    amount_text: str
    fund: str
    item: str
    conditions: list[ConditionRow] = field(default_factory=list)
    parameters: list[ParameterRow] = field(default_factory=list)
    amounts: list[AmountRow] = field(default_factory=list)


@dataclass(slots=True)
class NotApplicableView:
    rule: str
    article: str
    title: str
    item: str
    reason: str


@dataclass(slots=True)
class FundTotal:
    fund: str
    count: int
    total: Decimal
    unset: int


@dataclass(slots=True)
class Explanation:
    year: int
    as_of: date
    entitlements: list[EntitlementView]
    not_applicable: list[NotApplicableView]
    cash_totals: list[FundTotal]
    cash_total: Decimal
    tax_deduction: Decimal | None


def basis_text(e: Entitlement) -> str:
    """What the amount means, in words: exactly, at most, at least, between, or eligible."""
    amount = money_text(e.amount) if e.amount is not None else ""
    minimum = money_text(e.minimum) if e.minimum is not None else ""
    if e.basis == "eligible":
        if amount:
            text = _("Eligible; the amount the city has set is %(amount)s.") % {"amount": amount}
        else:
            text = _("Eligible; the policy text names no amount and the city has not set one yet.")
    elif not amount:
        text = _("The amount is not set by the policy yet.")
    elif e.basis == "fixed":
        text = _("Exactly %(amount)s.") % {"amount": amount}
    elif e.basis == "ceiling":
        text = _("Up to %(amount)s: a reviewer approves an amount at or below this ceiling.") % {"amount": amount}
    elif e.basis == "floor" and minimum:
        text = _("At least %(minimum)s (the floor), and at most %(amount)s.") % {"minimum": minimum, "amount": amount}
    elif e.basis == "range" and minimum:
        text = _("Between %(minimum)s and %(amount)s.") % {"minimum": minimum, "amount": amount}
    else:
        text = _("Up to %(amount)s.") % {"amount": amount}
    if e.kind == "tax_deduction":
        text += " " + _("This is an extra deduction from taxable income, not a cash payment.")
    return text


def amount_text(e: Entitlement) -> str:
    if e.amount is None:
        return _("not set")
    if e.minimum is not None and e.basis in ("floor", "range"):
        return f"{money_text(e.minimum)} – {money_text(e.amount)}"
    return money_text(e.amount)


def _fact_spec(package: Package, rule: Rule, label: str) -> FactSpec | None:
    if label.startswith("item."):
        list_spec = package.lists.get(rule.for_each)
        return list_spec.fields.get(label[5:]) if list_spec else None
    return package.facts.get(label)


def _fact_title(spec: FactSpec | None, label: str) -> str:
    return texts(spec.title)["primary"] if spec else label


def describe_item(package: Package, facts: Facts, item: dict[str, int] | None, rows: dict[str, list[int]]) -> str:
    """'Certifications 2: Standard CMMI; Level 3; …' for an entitlement of one list item (row as on the form)."""
    if not item:
        return ""
    list_name, index = next(iter(item.items()))
    list_spec = package.lists[list_name]
    form_rows = rows.get(list_name, [])
    number = form_rows[index] + 1 if index < len(form_rows) else index + 1
    values = facts.lists[list_name][index]
    parts = []
    for name, spec in list_spec.fields.items():
        value = values.get(name)
        if spec.type == "boolean":
            if value:
                parts.append(texts(spec.title)["primary"])
        elif value is not None:
            parts.append(f"{texts(spec.title)['primary']} {fact_display(spec, value)}")
    return _("%(list)s, row %(number)s: %(details)s") % {
        "list": texts(list_spec.title)["primary"],
        "number": number,
        "details": "; ".join(parts),
    }


def _compared_to(package: Package, entry: dict[str, Any]) -> str:
    if entry.get("op") == "in":
        return ", ".join(choice_label(c) for c in entry.get("choices", ()))
    if "compared_to" not in entry:
        return ""
    compared_to = entry["compared_to"]
    param = package.parameters.get(entry.get("parameter", ""))
    if entry.get("op") in COMPARED_TO_PARAMETER and param is not None:
        return display_value(param, compared_to)
    if entry.get("op") == "qualifying_level":
        return _("any level") if compared_to is None else _("level %(level)s or above") % {"level": compared_to}
    return "—" if compared_to is None else str(compared_to)


def _condition_row(package: Package, rule: Rule, entry: dict[str, Any], message: str) -> ConditionRow:
    label = str(entry.get("fact", ""))
    spec = _fact_spec(package, rule, label)
    if entry.get("op") == "qualifying_level":
        level = entry.get("level")
        value = str(entry.get("value")) + ("" if level is None else ", " + _("level %(level)s") % {"level": level})
    elif entry.get("op") == "for_each":
        list_spec = package.lists.get(str(entry.get("list", "")))
        label = str(entry.get("list", ""))
        return ConditionRow(
            fact=texts(list_spec.title)["primary"] if list_spec else label,
            fact_id=label,
            value="—",
            compared_to="",
            passed=False,
            message=message,
        )
    else:
        value = fact_display(spec, entry.get("value"))
    return ConditionRow(
        fact=_fact_title(spec, label),
        fact_id=label,
        value=value,
        compared_to=_compared_to(package, entry),
        passed=bool(entry.get("passed")),
        message=message,
    )


def _parameter_row(package: Package, entry: dict[str, Any]) -> ParameterRow:
    pid = str(entry["parameter"])
    param = package.parameters.get(pid)
    return ParameterRow(
        title=texts(param.title)["primary"] if param else pid,
        parameter_id=pid,
        value=display_value(param, entry["value"]) if param else str(entry["value"]),
        effective_from=str(entry.get("effective_from") or "—"),
        citation=entry.get("citation"),
    )


def _amount_row(entry: dict[str, Any], message: str) -> AmountRow:
    result = entry.get("result")
    return AmountRow(
        role=_("Minimum") if entry.get("role") == "minimum" else _("Amount"),
        result=money_text(result) if isinstance(result, Decimal) else _("not set"),
        message=message,
    )


def explain(package: Package, result: Result, *, facts: Facts, item_rows: dict[str, list[int]]) -> Explanation:
    """The result for the page: each entitlement with its basis in words and its trace, the rules that do
    not apply with their reasons, and the cash total by fund."""
    rendered = result.to_dict()  # the trace messages, in the active language
    entitlements: list[EntitlementView] = []
    for e, data in zip(result.entitlements, rendered["entitlements"], strict=True):
        rule = package.rule(e.rule)
        view = EntitlementView(
            rule=e.rule,
            article=e.article,
            title=texts(rule.title)["primary"],
            kind=e.kind,
            kind_label=label("reward_kind", e.kind),
            basis=e.basis,
            basis_name=label("basis", e.basis),
            basis_text=basis_text(e),
            amount_text=amount_text(e),
            fund=texts(package.funds[e.fund])["primary"] if e.fund in package.funds else e.fund,
            item=describe_item(package, facts, e.item, item_rows),
        )
        for entry, entry_data in zip(e.trace, data["trace"], strict=True):
            message = str(entry_data.get("message", ""))
            if entry.get("type") == "parameter":
                view.parameters.append(_parameter_row(package, entry))
            elif entry.get("type") == "amount":
                view.amounts.append(_amount_row(entry, message))
            else:
                view.conditions.append(_condition_row(package, rule, entry, message))
        entitlements.append(view)
    not_applicable = [
        NotApplicableView(
            rule=n.rule,
            article=n.article,
            title=texts(package.rule(n.rule).title)["primary"],
            item=describe_item(package, facts, n.item, item_rows),
            reason=str(data["reason"]),
        )
        for n, data in zip(result.not_applicable, rendered["not_applicable"], strict=True)
    ]
    totals: dict[str, FundTotal] = {}
    tax: Decimal | None = None
    for e in result.entitlements:
        if e.kind != "cash":
            if e.amount is not None:
                tax = (tax or Decimal(0)) + e.amount
            continue
        fund = texts(package.funds[e.fund])["primary"] if e.fund in package.funds else e.fund
        total = totals.setdefault(e.fund, FundTotal(fund=fund, count=0, total=Decimal("0.00"), unset=0))
        total.count += 1
        if e.amount is None:
            total.unset += 1
        else:
            total.total += e.amount
    order = list(package.funds)
    cash_totals = [totals[f] for f in sorted(totals, key=lambda f: order.index(f) if f in order else len(order))]
    return Explanation(
        year=result.year,
        as_of=result.as_of,
        entitlements=entitlements,
        not_applicable=not_applicable,
        cash_totals=cash_totals,
        cash_total=sum((t.total for t in cash_totals), Decimal("0.00")),
        tax_deduction=tax,
    )
