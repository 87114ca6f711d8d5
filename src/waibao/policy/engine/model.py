"""The in-memory form of a policy package: articles, facts, dated parameters and rules."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

# The basis values an entitlement can carry, and what a rule may be paid as.
BASES = ("fixed", "ceiling", "floor", "range", "eligible")
RULE_KINDS = ("cash", "tax_deduction")
FACT_TYPES = ("money", "amount", "integer", "boolean", "choice")
PARAMETER_TYPES = ("money", "amount", "rate", "integer", "list", "levels")
CONDITION_OPS = (
    ">=",
    ">",
    "<=",
    "<",
    "==",
    "in",
    "is_true",
    "positive",
    "growth_at_least",
    "in_year",
    "within_years_after",
    "qualifying_level",
)
FORMULA_KINDS = (
    "eligibility",
    "fixed",
    "percentage",
    "per_unit",
    "by_category",
    "threshold_tiers",
    "fact_value",
)

ParameterScalar = Decimal | int | tuple[str, ...] | dict[str, int | None] | None


@dataclass(frozen=True, slots=True)
class Text:
    """A text in both languages."""

    zh: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a value comes from: an article id and the quoted words."""

    article: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"article": self.article, "text": self.text}


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    number: str
    title: Text
    summary: Text
    text: str


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact an enterprise declares (or one field of a list item)."""

    name: str
    type: str
    title: Text
    unit: str = ""
    nullable: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    not_after: str = ""  # "year": an integer that may not exceed the assessment year


@dataclass(frozen=True, slots=True)
class ListSpec:
    name: str
    title: Text
    fields: dict[str, FactSpec]


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """A parameter's value from a date on; `value` None means the text leaves it open."""

    effective_from: date
    value: ParameterScalar
    citation: Citation


@dataclass(frozen=True, slots=True)
class Parameter:
    id: str
    type: str
    unit: str
    title: Text
    values: tuple[ParameterValue, ...]  # sorted by effective_from
    choices_of: str = ""

    def value_at(self, as_of: date) -> ParameterValue | None:
        """The value in force on `as_of`: the latest one dated on or before it."""
        starts = [v.effective_from for v in self.values]
        index = bisect.bisect_right(starts, as_of)
        return self.values[index - 1] if index else None


@dataclass(frozen=True, slots=True)
class FactRef:
    """A fact named in a rule: an enterprise fact, or a field of the rule's list item."""

    name: str
    on_item: bool

    @property
    def label(self) -> str:
        return f"item.{self.name}" if self.on_item else self.name


@dataclass(frozen=True, slots=True)
class Condition:
    op: str
    fact: FactRef
    parameter: str = ""
    values: tuple[str, ...] = ()
    previous: FactRef | None = None
    level: FactRef | None = None
    if_unset: str = "fail"


@dataclass(frozen=True, slots=True)
class Tier:
    start: str  # parameter id of the threshold
    amount: str  # parameter id of the amount


@dataclass(frozen=True, slots=True)
class Formula:
    kind: str
    parameter: str = ""
    base: FactRef | None = None
    rate: str = ""
    cap: str = ""
    floor: str = ""
    fact: FactRef | None = None
    amounts: tuple[tuple[str, str], ...] = ()  # (category, parameter id)
    tiers: tuple[Tier, ...] = ()

    def parameter_ids(self) -> tuple[str, ...]:
        ids = [self.parameter, self.rate, self.cap, self.floor]
        ids += [p for _, p in self.amounts]
        for tier in self.tiers:
            ids += [tier.start, tier.amount]
        return tuple(i for i in ids if i)

    def fact_refs(self) -> tuple[FactRef, ...]:
        return tuple(f for f in (self.base, self.fact) if f is not None)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    article: str
    title: Text
    kind: str
    basis: str
    fund: str
    conditions: tuple[Condition, ...]
    amount: Formula
    minimum: Formula | None = None
    for_each: str = ""

    @property
    def fact_refs(self) -> tuple[FactRef, ...]:
        refs: list[FactRef] = []
        for c in self.conditions:
            refs += [r for r in (c.fact, c.previous, c.level) if r is not None]
        refs += list(self.amount.fact_refs())
        if self.minimum is not None:
            refs += list(self.minimum.fact_refs())
        unique: dict[str, FactRef] = {}
        for ref in refs:
            unique.setdefault(ref.label, ref)
        return tuple(unique.values())

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts this rule reads: enterprise fact names, and `list.field` for item fields."""
        return tuple(f"{self.for_each}.{r.name}" if r.on_item else r.name for r in self.fact_refs)

    @property
    def parameter_ids(self) -> tuple[str, ...]:
        ids = [c.parameter for c in self.conditions if c.parameter]
        ids += list(self.amount.parameter_ids())
        if self.minimum is not None:
            ids += list(self.minimum.parameter_ids())
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Package:
    """A validated policy package. Immutable: `amended` returns a new package."""

    id: str
    version: str
    title: Text
    issuer: Text
    effective_from: date
    path: Path
    source: str
    funds: dict[str, Text]
    articles: dict[str, Article]
    facts: dict[str, FactSpec]
    lists: dict[str, ListSpec]
    parameters: dict[str, Parameter]
    rules: tuple[Rule, ...]
    budget_parameter: str = ""
    budget_funds: tuple[str, ...] = ()
    _resolved: dict[date, dict[str, ParameterValue | None]] = field(default_factory=dict, repr=False, compare=False)
    # Per-date caches the evaluator keeps (e.g. parameter trace entries); cleared by `amended`.
    _caches: dict[tuple[str, date], Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def parameters_at(self, as_of: date) -> dict[str, ParameterValue | None]:
        """Every parameter's value in force on `as_of` (None where none is dated yet); cached."""
        resolved = self._resolved.get(as_of)
        if resolved is None:
            resolved = {pid: p.value_at(as_of) for pid, p in self.parameters.items()}
            self._resolved[as_of] = resolved
        return resolved

    def amended(self, amendments: list[tuple[str, ParameterValue]]) -> Package:
        """A copy with each (parameter id, dated value) added; a value on an existing date replaces it."""
        parameters = dict(self.parameters)
        for pid, new in amendments:
            old = parameters[pid]
            kept = [v for v in old.values if v.effective_from != new.effective_from]
            values = tuple(sorted([*kept, new], key=lambda v: v.effective_from))
            parameters[pid] = replace(old, values=values)
        return replace(self, parameters=parameters, _resolved={}, _caches={})
