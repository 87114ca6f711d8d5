"""The vectorised path: every rule for many enterprise-years at once, in float64, for forecasts.

Driven by the same rule definitions as the exact path (`evaluate.py`): each condition op and
formula kind has a NumPy form here. Amounts are rounded half up to the fen per entitlement, as the
exact path does, so the two agree to the fen (within float64's range: amounts below about 10^8).
Payments always use the exact path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from waibao.policy.engine.facts import FactValue, parse_enterprise
from waibao.policy.engine.model import Condition, FactRef, FactSpec, Formula, Package, Rule

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Comparisons allow for float64's representation error; money is in fen, so real gaps are larger.
ABS_TOLERANCE = 1e-6
# Added before flooring when rounding half up to the fen (in fen units): absorbs representation error
# of a value that is exactly half a fen, while staying below any real difference (≥ 1e-4 fen).
FEN_TOLERANCE = 1e-5


def round_fen(values: Any) -> Any:
    """Half up to the fen, like `to_money`, for non-negative float64 amounts."""
    return np.floor(values * 100.0 + (0.5 + FEN_TOLERANCE)) / 100.0


def _column_dtype(spec: FactSpec) -> Any:
    if spec.type == "boolean":
        return np.bool_
    if spec.type == "choice":
        return np.int16
    return np.float64


def _encode(spec: FactSpec, value: FactValue) -> Any:
    if spec.type == "choice":
        return spec.choices.index(str(value))
    if value is None:
        return np.nan
    if spec.type == "boolean":
        return bool(value)
    return float(value)


@dataclass
class BatchList:
    """The items of one list for all enterprises: `owner[i]` is the enterprise row of item i."""

    owner: IntArray
    columns: dict[str, Any]

    def __len__(self) -> int:
        return len(self.owner)


@dataclass
class BatchFacts:
    """Facts of `n` enterprises as columns: numbers float64 (NaN = null), booleans, choice codes.

    A choice fact holds the index of its value in the fact's `choices` (facts.yaml).
    """

    n: int
    columns: dict[str, Any]
    lists: dict[str, BatchList]

    @classmethod
    def from_records(cls, package: Package, records: Iterable[Any], *, year: int) -> BatchFacts:
        """Check each enterprise's facts exactly (as `evaluate` does), then lay them out as columns."""
        values: dict[str, list[Any]] = {name: [] for name in package.facts}
        items: dict[str, dict[str, list[Any]]] = {
            name: {f: [] for f in spec.fields} for name, spec in package.lists.items()
        }
        owners: dict[str, list[int]] = {name: [] for name in package.lists}
        n = 0
        for row, record in enumerate(records):
            scalars, lists = parse_enterprise(package, record, year=year, prefix=f"[{row}]")
            for name, spec in package.facts.items():
                values[name].append(_encode(spec, scalars[name]))
            for list_name, list_items in lists.items():
                list_spec = package.lists[list_name]
                for item in list_items:
                    owners[list_name].append(row)
                    for f, spec in list_spec.fields.items():
                        items[list_name][f].append(_encode(spec, item[f]))
            n = row + 1
        columns = {name: np.asarray(values[name], dtype=_column_dtype(spec)) for name, spec in package.facts.items()}
        batch_lists = {
            name: BatchList(
                owner=np.asarray(owners[name], dtype=np.int64),
                columns={
                    f: np.asarray(items[name][f], dtype=_column_dtype(spec)) for f, spec in list_spec.fields.items()
                },
            )
            for name, list_spec in package.lists.items()
        }
        return cls(n=n, columns=columns, lists=batch_lists)

    def check(self, package: Package) -> None:
        """Every fact and list field present, with one value per row (for hand-built batches)."""
        for name in package.facts:
            if name not in self.columns or len(self.columns[name]) != self.n:
                raise ValueError(f"batch column {name} missing or not of length {self.n}")
        for name, spec in package.lists.items():
            batch_list = self.lists.get(name)
            if batch_list is None:
                raise ValueError(f"batch list {name} missing")
            for f in spec.fields:
                if f not in batch_list.columns or len(batch_list.columns[f]) != len(batch_list.owner):
                    raise ValueError(f"batch column {name}.{f} missing or of the wrong length")


@dataclass
class BatchResult:
    """Per rule, per enterprise: the sum of amounts, of minimums, the number of entitlements and how
    many of them have no amount yet (eligible while the amount parameter is unset)."""

    n: int
    rules: tuple[Rule, ...]
    amount: dict[str, FloatArray] = field(default_factory=dict)
    minimum: dict[str, FloatArray] = field(default_factory=dict)
    count: dict[str, Any] = field(default_factory=dict)
    unset: dict[str, Any] = field(default_factory=dict)

    def amount_of(self, rule_id: str) -> FloatArray:
        found = self.amount.get(rule_id)
        return found if found is not None else np.zeros(self.n)

    def minimum_of(self, rule_id: str) -> FloatArray:
        found = self.minimum.get(rule_id)
        return found if found is not None else np.zeros(self.n)

    def totals(self) -> dict[str, dict[str, Any]]:
        """Per rule: total amount and minimum (to the fen), entitlements, of which with no amount."""
        out: dict[str, dict[str, Any]] = {}
        for rule in self.rules:
            amount = self.amount.get(rule.id)
            minimum = self.minimum.get(rule.id)
            unset = self.unset.get(rule.id)
            out[rule.id] = {
                "fund": rule.fund,
                "kind": rule.kind,
                "basis": rule.basis,
                "amount": _fen_total(amount),
                "minimum": _fen_total(minimum) if minimum is not None else None,
                "entitlements": int(np.sum(self.count[rule.id])),
                "without_amount": int(np.sum(unset)) if unset is not None else 0,
            }
        return out


def _fen_total(values: FloatArray | None) -> Decimal:
    if values is None:
        return Decimal("0.00")
    return (Decimal(int(np.rint(np.sum(values) * 100.0))) / 100).quantize(Decimal("0.01"))


class _Frame:
    """The rows a rule runs over: enterprises, or the items of its list (enterprise facts gathered)."""

    def __init__(self, batch: BatchFacts, rule: Rule, cache: dict[tuple[str, str], Any]) -> None:
        self.batch = batch
        self.list_name = rule.for_each
        self.cache = cache
        if rule.for_each:
            self.items: BatchList | None = batch.lists[rule.for_each]
            self.size = len(self.items)
        else:
            self.items = None
            self.size = batch.n

    def column(self, ref: FactRef) -> Any:
        if ref.on_item:
            assert self.items is not None
            return self.items.columns[ref.name]
        if self.items is None:
            return self.batch.columns[ref.name]
        key = (self.list_name, ref.name)
        gathered = self.cache.get(key)
        if gathered is None:
            gathered = self.batch.columns[ref.name][self.items.owner]
            self.cache[key] = gathered
        return gathered


def _f(value: Any) -> float:
    return float(value)


class _Compiled:
    """The parameter values in force, as floats and lookup tables, for one package and date."""

    def __init__(self, package: Package, as_of: date) -> None:
        self.package = package
        self.params = {pid: (pv.value if pv is not None else None) for pid, pv in package.parameters_at(as_of).items()}

    def choice_spec(self, rule: Rule, ref: FactRef) -> FactSpec:
        if ref.on_item:
            return self.package.lists[rule.for_each].fields[ref.name]
        return self.package.facts[ref.name]


def _condition(c: Condition, rule: Rule, frame: _Frame, compiled: _Compiled, year: int) -> Any:
    """A boolean array, or a Python bool when the condition is the same for every row."""
    op = c.op
    col = frame.column(c.fact)
    if op in (">=", ">", "<=", "<", "=="):
        threshold = compiled.params[c.parameter]
        if threshold is None:
            return c.if_unset == "pass"
        t = _f(threshold)
        if op == ">=":
            return col >= t - ABS_TOLERANCE
        if op == ">":
            return col > t + ABS_TOLERANCE
        if op == "<=":
            return col <= t + ABS_TOLERANCE
        if op == "<":
            return col < t - ABS_TOLERANCE
        return np.abs(col - t) <= ABS_TOLERANCE
    if op == "in":
        listed: Any = compiled.params[c.parameter] if c.parameter else None
        choices: tuple[str, ...] = c.values if not c.parameter else tuple(listed or ())
        spec = compiled.choice_spec(rule, c.fact)
        codes = [spec.choices.index(v) for v in choices]
        if not codes:
            return False
        result = col == codes[0]
        for code in codes[1:]:
            result |= col == code
        return result
    if op == "is_true":
        return col.copy()  # results never share memory with the input columns
    if op == "positive":
        return col > ABS_TOLERANCE
    if op == "growth_at_least":
        assert c.previous is not None
        rate = compiled.params[c.parameter]
        if rate is None:
            return False
        previous = frame.column(c.previous)
        # NaN (no previous figure) and zero compare False, as the exact path refuses them.
        return (previous > 0) & (col - previous >= previous * _f(rate) - ABS_TOLERANCE)
    if op == "in_year":
        return col == year
    if op == "within_years_after":
        limit = compiled.params[c.parameter]
        if limit is None:
            return False
        years = year - col
        return (years >= 1) & (years <= limit)
    # qualifying_level
    assert c.level is not None
    table: dict[str, int | None] = compiled.params[c.parameter] or {}  # type: ignore[assignment]
    spec = compiled.choice_spec(rule, c.fact)
    any_level = np.array([name in table and table[name] is None for name in spec.choices])
    minimum = np.array([table[name] if name in table and table[name] is not None else np.inf for name in spec.choices])
    levels = frame.column(c.level)
    return any_level[col] | (levels >= minimum[col])


def _formula(f: Formula, rule: Rule, frame: _Frame, compiled: _Compiled) -> tuple[Any, Any, Any]:
    """(amount, met, unset): amount a float array or scalar (0 where unset), `met` a mask or True
    (False where the formula finds no amount at all), `unset` a mask or bool (eligible, no amount)."""
    kind = f.kind
    params = compiled.params
    if kind in ("eligibility", "fixed"):
        value = params[f.parameter] if f.parameter else None
        if value is None:
            return 0.0, True, True
        return float(round_fen(_f(value))), True, False
    if kind in ("percentage", "per_unit"):
        assert f.base is not None
        rate = params[f.rate]
        if rate is None:
            return 0.0, True, True
        raw = frame.column(f.base) * _f(rate)
        cap = params[f.cap] if f.cap else None
        if cap is not None:
            raw = np.minimum(raw, _f(cap))
        floor = params[f.floor] if f.floor else None
        if floor is not None:
            raw = np.maximum(raw, _f(floor))
        return round_fen(raw), True, False
    if kind == "by_category":
        assert f.fact is not None
        spec = compiled.choice_spec(rule, f.fact)
        named = dict(f.amounts)
        met = np.array([name in named for name in spec.choices])
        unset = np.array([name in named and params[named[name]] is None for name in spec.choices])
        amounts = np.array(
            [
                round_fen(_f(params[named[name]])) if name in named and params[named[name]] is not None else 0.0
                for name in spec.choices
            ]
        )
        codes = frame.column(f.fact)
        return amounts[codes], met[codes], unset[codes]
    if kind == "threshold_tiers":
        assert f.base is not None
        tiers = sorted((_f(params[t.start]), params[t.amount]) for t in f.tiers if params[t.start] is not None)
        if not tiers:
            return 0.0, False, False
        starts = np.array([s for s, _ in tiers]) - ABS_TOLERANCE
        amounts = np.array([round_fen(_f(a)) if a is not None else 0.0 for _, a in tiers])
        unset_tiers = np.array([a is None for _, a in tiers])
        index = np.searchsorted(starts, frame.column(f.base), side="right") - 1
        met = index >= 0
        safe = np.maximum(index, 0)
        return amounts[safe], met, unset_tiers[safe]
    # fact_value
    assert f.fact is not None
    return frame.column(f.fact), True, False


def _mask(value: Any, size: int) -> BoolArray:
    if isinstance(value, bool | np.bool_):
        return np.full(size, bool(value))
    return value


def evaluate_batch(package: Package, batch: BatchFacts, *, year: int, as_of: date | None = None) -> BatchResult:
    """Every rule for every enterprise in `batch`, for assessment `year` and the values in force on `as_of`."""
    compiled = _Compiled(package, as_of or date(year, 12, 31))
    result = BatchResult(n=batch.n, rules=package.rules)
    cache: dict[tuple[str, str], Any] = {}
    # Rules over the same rows often share a condition or formula (HZ-13a/13b): computed once.
    tests: dict[tuple[str, Condition], Any] = {}
    formulas: dict[tuple[str, Formula], tuple[Any, Any, Any]] = {}

    def formula(f: Formula, rule: Rule, frame: _Frame) -> tuple[Any, Any, Any]:
        key = (rule.for_each, f)
        if key not in formulas:
            formulas[key] = _formula(f, rule, frame, compiled)
        return formulas[key]

    for rule in package.rules:
        frame = _Frame(batch, rule, cache)
        mask: Any = True
        for condition in rule.conditions:
            key = (rule.for_each, condition)
            if key not in tests:
                tests[key] = _condition(condition, rule, frame, compiled, year)
            test = tests[key]
            if test is True:
                continue
            if test is False:
                mask = False
                break
            mask = test if mask is True else (mask & test)
        amount, met, unset = formula(rule.amount, rule, frame)
        if met is not True:
            mask = met if mask is True else (mask & met)
        applies = _mask(mask, frame.size)
        has_amount = unset is not True
        minimum = None
        if rule.minimum is not None:
            minimum, _, _ = formula(rule.minimum, rule, frame)
        if frame.items is None:
            result.count[rule.id] = applies
            if has_amount:
                result.amount[rule.id] = np.where(applies, amount, 0.0)
            if unset is not False:
                result.unset[rule.id] = applies & unset if unset is not True else applies
            if minimum is not None:
                result.minimum[rule.id] = np.where(applies, minimum, 0.0)
            continue
        owner = frame.items.owner
        result.count[rule.id] = np.bincount(owner, weights=applies, minlength=batch.n).astype(np.int32)
        if has_amount:
            result.amount[rule.id] = np.bincount(
                owner, weights=np.where(applies, amount, 0.0), minlength=batch.n
            ).astype(np.float64, copy=False)
        if unset is not False:
            unset_mask = applies & unset if unset is not True else applies
            result.unset[rule.id] = np.bincount(owner, weights=unset_mask, minlength=batch.n).astype(np.int32)
        if minimum is not None:
            result.minimum[rule.id] = np.bincount(
                owner, weights=np.where(applies, minimum, 0.0), minlength=batch.n
            ).astype(np.float64, copy=False)
    return result
