"""The exact path: one enterprise-year through every rule, in Decimal, with a trace of why.

A rule applies when each of its conditions holds; the amount then comes from its formula kind.
Every comparison, parameter (value, effective date, citation) and computation goes into the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from waibao.common.money import to_money
from waibao.policy.engine.facts import Facts, FactValue, Item, parse_facts
from waibao.policy.engine.i18n import Words, gettext, gettext_noop, words
from waibao.policy.engine.model import Condition, FactRef, Formula, Package, ParameterValue, Rule

TraceEntry = dict[str, Any]

OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

# Trace messages by code; rendered (and translated) only when a result is turned into a dict.
MESSAGES: dict[str, str] = {
    "compare_met": gettext_noop("%(fact)s is %(value)s, %(symbol)s %(compared_to)s (%(parameter)s): met"),
    "compare_not_met": gettext_noop("%(fact)s is %(value)s, not %(symbol)s %(compared_to)s (%(parameter)s): not met"),
    "unset_pass": gettext_noop("%(parameter)s is not set, so no threshold applies to %(fact)s"),
    "unset_fail": gettext_noop("%(parameter)s is not set, so the condition on %(fact)s cannot be met"),
    "in_met": gettext_noop("%(fact)s is %(value)s, one of %(choices)s: met"),
    "in_not_met": gettext_noop("%(fact)s is %(value)s, not one of %(choices)s: not met"),
    "true_met": gettext_noop("%(fact)s is true: met"),
    "true_not_met": gettext_noop("%(fact)s is false: not met"),
    "positive_met": gettext_noop("%(fact)s is %(value)s, more than zero: met"),
    "positive_not_met": gettext_noop("%(fact)s is %(value)s, not more than zero: not met"),
    "growth_no_previous": gettext_noop(
        "%(previous)s is empty: there is no previous-year figure to measure growth against, so the rule does not apply"
    ),
    "growth_zero_previous": gettext_noop(
        "%(previous)s is zero: growth over a zero previous year cannot be measured, so the rule does not apply"
    ),
    "growth_met": gettext_noop(
        "%(fact)s grew from %(previous_value)s to %(value)s, by %(growth)s; "
        "at least %(compared_to)s (%(parameter)s) required: met"
    ),
    "growth_not_met": gettext_noop(
        "%(fact)s grew from %(previous_value)s to %(value)s, by %(growth)s; "
        "at least %(compared_to)s (%(parameter)s) required: not met"
    ),
    "in_year_met": gettext_noop("%(fact)s is %(value)s, the assessment year: met"),
    "in_year_not_met": gettext_noop("%(fact)s is %(value)s, not the assessment year %(year)s: not met"),
    "years_after_met": gettext_noop(
        "%(fact)s is %(value)s, %(years_after)s year(s) before %(year)s; "
        "1 to %(compared_to)s years (%(parameter)s) required: met"
    ),
    "years_after_not_met": gettext_noop(
        "%(fact)s is %(value)s, %(years_after)s year(s) before %(year)s; "
        "1 to %(compared_to)s years (%(parameter)s) required: not met"
    ),
    "level_met": gettext_noop("%(value)s at level %(level)s, minimum level %(compared_to)s: met"),
    "level_any": gettext_noop("%(value)s qualifies at any level: met"),
    "level_too_low": gettext_noop("%(value)s at level %(level)s, below the minimum level %(compared_to)s: not met"),
    "level_not_listed": gettext_noop("%(value)s is not a qualifying standard (%(parameter)s): not met"),
    "no_items": gettext_noop("no %(list)s were declared"),
    "eligibility_set": gettext_noop("eligible; the amount %(parameter)s is %(result)s"),
    "eligibility_unset": gettext_noop("eligible; the amount is not set by the policy yet"),
    "fixed": gettext_noop("the amount %(parameter)s is %(result)s"),
    "fixed_unset": gettext_noop("the amount %(parameter)s is not set yet"),
    "percentage": gettext_noop("%(base)s %(base_value)s × %(rate_value)s = %(result)s"),
    "percentage_capped": gettext_noop(
        "%(base)s %(base_value)s × %(rate_value)s = %(raw)s, at most %(cap_value)s (%(cap)s): %(result)s"
    ),
    "percentage_floored": gettext_noop(
        "%(base)s %(base_value)s × %(rate_value)s = %(raw)s, at least %(floor_value)s (%(floor)s): %(result)s"
    ),
    "rate_unset": gettext_noop("the rate %(rate)s is not set yet, so there is no amount"),
    "per_unit": gettext_noop("%(base)s %(base_value)s × %(rate_value)s per unit = %(result)s"),
    "by_category": gettext_noop("%(fact)s is %(value)s: %(parameter)s = %(result)s"),
    "by_category_none": gettext_noop("%(fact)s is %(value)s, for which no amount is named: not met"),
    "tier": gettext_noop("%(base)s %(base_value)s reaches the tier from %(tier_from)s (%(tier)s): %(result)s"),
    "below_tiers": gettext_noop("%(base)s %(base_value)s is below the lowest tier: not met"),
    "fact_value": gettext_noop("%(fact)s is %(result)s"),
}


class _Fields:
    """An entry seen as formatting fields: values displayed on demand, absent ones left blank. With `words`
    (the platform's labels) facts and parameters are named by their titles and values shown as people read
    them (money with separators); without, codes and raw values (the policy's YAML test cases)."""

    __slots__ = ("entry", "words")

    def __init__(self, entry: TraceEntry, words: Words | None) -> None:
        self.entry = entry
        self.words = words

    def __getitem__(self, key: str) -> str:
        if key not in self.entry:
            return ""
        value = self.entry[key]
        if self.words is not None:
            shown = self.words.name(key, value)
            if shown is None:
                shown = self.words.value(key, value, self.entry)
            if shown is not None:
                return shown
        return _display(value)


def render_message(entry: TraceEntry, *, translate: bool = True) -> str:
    """The entry's explanation, in the active language and words (or in English and codes with
    `translate=False`)."""
    template = MESSAGES.get(entry.get("code", ""), "")
    if not template:
        return ""
    if not translate:
        return template % _Fields(entry, None)
    return gettext(template) % _Fields(entry, words())


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(slots=True)
class Entitlement:
    """One reward an enterprise is entitled to, with what its amount means and why."""

    rule: str
    article: str
    kind: str
    basis: str
    amount: Decimal | None
    minimum: Decimal | None
    fund: str
    item: dict[str, int] | None
    trace: list[TraceEntry]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "article": self.article,
            "kind": self.kind,
            "basis": self.basis,
            "amount_cny": None if self.amount is None else str(self.amount),
            "minimum_cny": None if self.minimum is None else str(self.minimum),
            "fund": self.fund,
            "item": self.item,
            "trace": [trace_entry_to_dict(e) for e in self.trace],
        }


@dataclass(slots=True)
class NotApplicable:
    """A rule (or one item under it) that does not apply, with the condition that failed."""

    rule: str
    article: str
    item: dict[str, int] | None
    reason: TraceEntry
    trace: list[TraceEntry]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "article": self.article,
            "item": self.item,
            "reason": render_message(self.reason),
            "reason_code": self.reason.get("code", ""),
            "trace": [trace_entry_to_dict(e) for e in self.trace],
        }


def trace_entry_to_dict(entry: TraceEntry) -> dict[str, Any]:
    if entry.get("type") == "parameter":  # already JSON values; copied, as entries are shared
        citation, value = entry["citation"], entry["value"]
        value = dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value
        return {**entry, "value": value, "citation": dict(citation) if citation else None}
    out = {k: _json_value(v) for k, v in entry.items()}
    if "code" in entry:
        out["message"] = render_message(entry)
    return out


@dataclass(slots=True)
class Result:
    """Everything an enterprise-year is entitled to under a package, and what does not apply."""

    package: str
    year: int
    as_of: date
    entitlements: list[Entitlement] = field(default_factory=list)
    not_applicable: list[NotApplicable] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "entitlements": [e.to_dict() for e in self.entitlements],
            "not_applicable": [n.to_dict() for n in self.not_applicable],
        }

    def for_rule(self, rule_id: str) -> list[Entitlement]:
        return [e for e in self.entitlements if e.rule == rule_id]

    def total_by_fund(self) -> dict[str, Decimal]:
        """The sum of amounts (the maximum of a range, the ceiling of a ceiling) by fund."""
        totals: dict[str, Decimal] = {}
        for e in self.entitlements:
            if e.amount is not None:
                totals[e.fund] = totals.get(e.fund, Decimal(0)) + e.amount
        return totals


class _Context:
    """One evaluation: the facts, the parameters in force, and the trace being written."""

    __slots__ = ("enterprise", "item", "param_entries", "params", "seen", "trace", "year")

    def __init__(
        self,
        year: int,
        enterprise: dict[str, FactValue],
        params: dict[str, ParameterValue | None],
        param_entries: dict[str, TraceEntry],
    ) -> None:
        self.year = year
        self.enterprise = enterprise
        self.params = params
        self.param_entries = param_entries
        self.item: Item = {}
        self.trace: list[TraceEntry] = []
        self.seen: set[str] = set()

    def fact(self, ref: FactRef) -> FactValue:
        return self.item[ref.name] if ref.on_item else self.enterprise[ref.name]

    def param(self, pid: str) -> Any:
        """The parameter's value in force (None if unset), recorded once in the rule's trace."""
        if pid not in self.seen:
            self.seen.add(pid)
            self.trace.append(self.param_entries[pid])
        resolved = self.params[pid]
        return None if resolved is None else resolved.value


def parameter_entries(package: Package, as_of: date) -> dict[str, TraceEntry]:
    """Trace entries for every parameter in force on `as_of` (shared, read-only), cached per date."""
    key = ("parameter_entries", as_of)
    entries: dict[str, TraceEntry] | None = package._caches.get(key)
    if entries is None:
        entries = {}
        for pid, resolved in package.parameters_at(as_of).items():
            entries[pid] = {
                "type": "parameter",
                "parameter": pid,
                "value": None if resolved is None else _parameter_json(resolved.value),
                "effective_from": None if resolved is None else resolved.effective_from.isoformat(),
                "citation": None if resolved is None else resolved.citation.to_dict(),
            }
        package._caches[key] = entries
    return entries


def _parameter_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


# ---- conditions -------------------------------------------------------------------------------


def _compare(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    value = ctx.fact(c.fact)
    threshold = ctx.param(c.parameter)
    entry: TraceEntry = {
        "type": "condition",
        "op": c.op,
        "symbol": OP_SYMBOLS[c.op],
        "fact": c.fact.label,
        "value": value,
        "parameter": c.parameter,
        "compared_to": threshold,
    }
    if threshold is None:
        passed = c.if_unset == "pass"
        entry["passed"] = passed
        entry["code"] = "unset_pass" if passed else "unset_fail"
        return passed, entry
    if c.op == ">=":
        passed = value >= threshold
    elif c.op == ">":
        passed = value > threshold
    elif c.op == "<=":
        passed = value <= threshold
    elif c.op == "<":
        passed = value < threshold
    else:
        passed = value == threshold
    entry["passed"] = passed
    entry["code"] = "compare_met" if passed else "compare_not_met"
    return passed, entry


def _in(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    value = ctx.fact(c.fact)
    choices = c.values if not c.parameter else (ctx.param(c.parameter) or ())
    passed = value in choices
    entry: TraceEntry = {"type": "condition", "op": "in", "fact": c.fact.label, "value": value}
    if c.parameter:
        entry["parameter"] = c.parameter
    entry["choices"] = tuple(choices)
    entry["passed"] = passed
    entry["code"] = "in_met" if passed else "in_not_met"
    return passed, entry


def _is_true(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    value = ctx.fact(c.fact) is True
    code = "true_met" if value else "true_not_met"
    return value, {
        "type": "condition",
        "op": "is_true",
        "fact": c.fact.label,
        "value": value,
        "passed": value,
        "code": code,
    }


def _positive(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    value = ctx.fact(c.fact)
    passed = value is not None and value > 0  # type: ignore[operator]
    code = "positive_met" if passed else "positive_not_met"
    return passed, {
        "type": "condition",
        "op": "positive",
        "fact": c.fact.label,
        "value": value,
        "passed": passed,
        "code": code,
    }


def _growth(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    assert c.previous is not None
    value = ctx.fact(c.fact)
    previous = ctx.fact(c.previous)
    rate = ctx.param(c.parameter)
    entry: TraceEntry = {
        "type": "condition",
        "op": c.op,
        "fact": c.fact.label,
        "value": value,
        "previous": c.previous.label,
        "previous_value": previous,
        "parameter": c.parameter,
        "compared_to": rate,
    }
    if previous is None:
        entry["passed"] = False
        entry["code"] = "growth_no_previous"
        return False, entry
    if previous == 0:
        entry["passed"] = False
        entry["code"] = "growth_zero_previous"
        return False, entry
    if rate is None:
        entry["passed"] = False
        entry["code"] = "unset_fail"
        return False, entry
    assert isinstance(value, Decimal) and isinstance(previous, Decimal)
    # Compared by multiplication, so exactly the threshold (以上) qualifies without rounding.
    passed = value - previous >= previous * rate
    entry["growth"] = ((value - previous) / previous).quantize(Decimal("0.000001")).normalize()
    entry["passed"] = passed
    entry["code"] = "growth_met" if passed else "growth_not_met"
    return passed, entry


def _in_year(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    value = ctx.fact(c.fact)
    passed = value == ctx.year
    code = "in_year_met" if passed else "in_year_not_met"
    return passed, {
        "type": "condition",
        "op": c.op,
        "fact": c.fact.label,
        "value": value,
        "year": ctx.year,
        "passed": passed,
        "code": code,
    }


def _years_after(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    value = ctx.fact(c.fact)
    limit = ctx.param(c.parameter)
    years = ctx.year - value  # type: ignore[operator]
    passed = limit is not None and 1 <= years <= limit
    entry: TraceEntry = {
        "type": "condition",
        "op": c.op,
        "fact": c.fact.label,
        "value": value,
        "year": ctx.year,
        "years_after": years,
        "parameter": c.parameter,
        "compared_to": limit,
        "passed": passed,
    }
    entry["code"] = ("years_after_met" if passed else "years_after_not_met") if limit is not None else "unset_fail"
    return passed, entry


def _qualifying_level(c: Condition, ctx: _Context) -> tuple[bool, TraceEntry]:
    assert c.level is not None
    standard = ctx.fact(c.fact)
    level = ctx.fact(c.level)
    table = ctx.param(c.parameter) or {}
    entry: TraceEntry = {
        "type": "condition",
        "op": c.op,
        "fact": c.fact.label,
        "value": standard,
        "level": level,
        "parameter": c.parameter,
    }
    if standard not in table:
        entry.update(passed=False, code="level_not_listed")
        return False, entry
    minimum = table[standard]
    entry["compared_to"] = minimum
    if minimum is None:
        entry.update(passed=True, code="level_any")
        return True, entry
    passed = level is not None and level >= minimum
    entry.update(passed=passed, code="level_met" if passed else "level_too_low")
    return passed, entry


CONDITIONS: dict[str, Callable[[Condition, _Context], tuple[bool, TraceEntry]]] = {
    ">=": _compare,
    ">": _compare,
    "<=": _compare,
    "<": _compare,
    "==": _compare,
    "in": _in,
    "is_true": _is_true,
    "positive": _positive,
    "growth_at_least": _growth,
    "in_year": _in_year,
    "within_years_after": _years_after,
    "qualifying_level": _qualifying_level,
}


# ---- amounts ----------------------------------------------------------------------------------

_NOT_MET = object()  # a formula that finds no amount at all (below every tier, no such category)


def _formula(f: Formula, ctx: _Context, role: str) -> tuple[Any, TraceEntry]:
    """(amount or None or _NOT_MET, trace entry)."""
    entry: TraceEntry = {"type": "amount", "role": role, "formula": f.kind}
    kind = f.kind
    if kind in ("eligibility", "fixed"):
        value = ctx.param(f.parameter) if f.parameter else None
        amount = None if value is None else to_money(value)
        entry["parameter"] = f.parameter
        entry["result"] = amount
        if kind == "eligibility":
            entry["code"] = "eligibility_set" if amount is not None else "eligibility_unset"
        else:
            entry["code"] = "fixed" if amount is not None else "fixed_unset"
        return amount, entry
    if kind == "percentage" or kind == "per_unit":
        assert f.base is not None
        base = ctx.fact(f.base)
        rate = ctx.param(f.rate)
        entry.update(base=f.base.label, base_value=base, rate=f.rate, rate_value=rate)
        if rate is None:
            entry.update(result=None, code="rate_unset")
            return None, entry
        raw = base * rate
        code = kind
        if f.cap:
            cap = ctx.param(f.cap)
            entry.update(cap=f.cap, cap_value=cap)
            if cap is not None and raw > cap:
                entry["raw"] = to_money(raw)
                raw, code = cap, "percentage_capped"
        if f.floor:
            floor = ctx.param(f.floor)
            entry.update(floor=f.floor, floor_value=floor)
            if floor is not None and raw < floor:
                entry["raw"] = to_money(raw)
                raw, code = floor, "percentage_floored"
        amount = to_money(raw)
        entry.update(result=amount, code=code)
        return amount, entry
    if kind == "by_category":
        assert f.fact is not None
        category = ctx.fact(f.fact)
        entry.update(fact=f.fact.label, value=category)
        for name, pid in f.amounts:
            if name == category:
                value = ctx.param(pid)
                amount = None if value is None else to_money(value)
                entry.update(parameter=pid, result=amount, code="by_category")
                return amount, entry
        entry.update(result=None, code="by_category_none", passed=False)
        return _NOT_MET, entry
    if kind == "threshold_tiers":
        assert f.base is not None
        base = ctx.fact(f.base)
        entry.update(base=f.base.label, base_value=base)
        reached: tuple[Any, str, str] | None = None
        for tier in f.tiers:
            start = ctx.param(tier.start)
            if start is not None and base >= start and (reached is None or start >= reached[0]):
                reached = (start, tier.start, tier.amount)
        if reached is None:
            entry.update(result=None, code="below_tiers", passed=False)
            return _NOT_MET, entry
        value = ctx.param(reached[2])
        amount = None if value is None else to_money(value)
        entry.update(tier=reached[1], tier_from=reached[0], parameter=reached[2], result=amount, code="tier")
        return amount, entry
    # fact_value
    assert f.fact is not None
    value = ctx.fact(f.fact)
    amount = None if value is None else to_money(value)
    entry.update(fact=f.fact.label, result=amount, code="fact_value")
    return amount, entry


def _apply(rule: Rule, ctx: _Context, item_ref: dict[str, int] | None, result: Result) -> None:
    ctx.trace = trace = []
    ctx.seen = set()
    for condition in rule.conditions:
        passed, entry = CONDITIONS[condition.op](condition, ctx)
        trace.append(entry)
        if not passed:
            result.not_applicable.append(NotApplicable(rule.id, rule.article, item_ref, entry, trace))
            return
    amount, entry = _formula(rule.amount, ctx, "amount")
    trace.append(entry)
    if amount is _NOT_MET:
        result.not_applicable.append(NotApplicable(rule.id, rule.article, item_ref, entry, trace))
        return
    minimum = None
    if rule.minimum is not None:
        minimum, min_entry = _formula(rule.minimum, ctx, "minimum")
        trace.append(min_entry)
        if minimum is _NOT_MET:
            minimum = None
    result.entitlements.append(
        Entitlement(rule.id, rule.article, rule.kind, rule.basis, amount, minimum, rule.fund, item_ref, trace)
    )


def evaluate(package: Package, facts: Facts | dict[str, Any]) -> Result:
    """Every entitlement of one enterprise-year; `facts` is a `Facts` or the evaluate input dict."""
    if not isinstance(facts, Facts):
        facts = parse_facts(package, facts)
    params = package.parameters_at(facts.as_of)
    ctx = _Context(facts.year, facts.enterprise, params, parameter_entries(package, facts.as_of))
    result = Result(package=package.id, year=facts.year, as_of=facts.as_of)
    for rule in package.rules:
        if not rule.for_each:
            ctx.item = {}
            _apply(rule, ctx, None, result)
            continue
        items = facts.lists.get(rule.for_each, ())
        if not items:
            entry: TraceEntry = {
                "type": "condition",
                "op": "for_each",
                "list": rule.for_each,
                "passed": False,
                "code": "no_items",
            }
            result.not_applicable.append(NotApplicable(rule.id, rule.article, None, entry, [entry]))
            continue
        for index, item in enumerate(items):
            ctx.item = item
            _apply(rule, ctx, {rule.for_each: index}, result)
    return result
