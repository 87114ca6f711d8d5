"""A selection method read from its document (data/default/topten.yaml): checked once, then used as arrays."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from waibao.topten.scoring import NORMALISATIONS, Floats, Ints

SOURCES = ("statistics", "annual_report", "registry")
# The indicators the platform can supply, by source (snapshot.py reads them).
INDICATORS = {
    "executed_cny": "statistics",
    "offshore_executed_cny": "statistics",
    "client_countries": "statistics",
    "taxes_paid_cny": "annual_report",
    "rd_expense_cny": "annual_report",
    "patents": "annual_report",
    "graduate_employees": "annual_report",
    "employees": "registry",
    "registered_capital_cny": "registry",
}
ELIGIBILITY = ("recognised", "statistics_approved", "annual_report", "no_open_violation")


class MethodError(ValueError):
    pass


@dataclass(frozen=True)
class Method:
    document: dict[str, Any]
    size: int
    normalisation: str
    eligibility: tuple[str, ...]
    criteria: tuple[str, ...]
    criterion_weights: Floats
    indicators: tuple[str, ...]
    indicator_weights: Floats
    criterion_of: Ints
    tie_breaks: tuple[str, ...]
    perturbation: float
    draws: int
    seed: int
    award_cny: Decimal | None
    fund: str
    is_default: bool

    def normalised_weights(self) -> dict[str, float]:
        total = float(self.criterion_weights.sum())
        return {c: float(w) / total for c, w in zip(self.criteria, self.criterion_weights, strict=True)}

    def indicators_of(self, criterion: str) -> list[tuple[str, float]]:
        index = self.criteria.index(criterion)
        members = [
            (i, float(w))
            for i, w, c in zip(self.indicators, self.indicator_weights, self.criterion_of, strict=True)
            if c == index
        ]
        total = sum(w for _i, w in members) or 1.0
        return [(i, w / total) for i, w in members]


def _positive(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise MethodError(f"{where}: weight must be a positive number")
    return float(value)


def parse_method(document: dict[str, Any]) -> Method:
    """The method, or MethodError saying what is wrong (a dataset error names the file and the method)."""
    if not isinstance(document, dict):
        raise MethodError("a method must be a mapping")
    size = document.get("size", 10)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise MethodError("size must be a whole number ≥ 1")
    normalisation = document.get("normalisation", "min_max")
    if normalisation not in NORMALISATIONS:
        raise MethodError(f"normalisation must be one of {', '.join(NORMALISATIONS)}")
    eligibility = document.get("eligibility", list(ELIGIBILITY))
    if not isinstance(eligibility, list) or any(e not in ELIGIBILITY for e in eligibility):
        raise MethodError(f"eligibility: each entry one of {', '.join(ELIGIBILITY)}")
    criteria_doc = document.get("criteria")
    if not isinstance(criteria_doc, list) or not criteria_doc:
        raise MethodError("criteria: a list of at least one criterion")
    criteria: list[str] = []
    criterion_weights: list[float] = []
    indicators: list[str] = []
    indicator_weights: list[float] = []
    criterion_of: list[int] = []
    for i, criterion in enumerate(criteria_doc):
        where = f"criteria[{i}]"
        code = criterion.get("code") if isinstance(criterion, dict) else None
        if not code or code in criteria:
            raise MethodError(f"{where}: a code, unique among the criteria")
        criteria.append(str(code))
        criterion_weights.append(_positive(criterion.get("weight"), where))
        members = criterion.get("indicators")
        if not isinstance(members, list) or not members:
            raise MethodError(f"{where}: indicators: a list of at least one indicator")
        for j, indicator in enumerate(members):
            inner = f"{where}.indicators[{j}]"
            name = indicator.get("code") if isinstance(indicator, dict) else None
            if name not in INDICATORS:
                raise MethodError(f"{inner}: code must be one of {', '.join(INDICATORS)}")
            if name in indicators:
                raise MethodError(f"{inner}: {name} is used twice")
            if indicator.get("source", INDICATORS[name]) != INDICATORS[name]:
                raise MethodError(f"{inner}: {name} comes from {INDICATORS[name]}")
            indicators.append(str(name))
            indicator_weights.append(_positive(indicator.get("weight"), inner))
            criterion_of.append(i)
    tie_breaks = document.get("tie_breaks", [])
    if not isinstance(tie_breaks, list) or any(t not in indicators for t in tie_breaks):
        raise MethodError("tie_breaks: indicators the method uses")
    sens = document.get("sensitivity") or {}
    perturbation = sens.get("perturbation", 0.2)
    draws = sens.get("draws", 1000)
    seed = sens.get("seed", 0)
    if isinstance(perturbation, bool) or not isinstance(perturbation, int | float) or not 0 <= perturbation < 1:
        raise MethodError("sensitivity.perturbation must be a share in [0, 1)")
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 100_000:
        raise MethodError("sensitivity.draws must be a whole number from 1 to 100000")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise MethodError("sensitivity.seed must be a whole number ≥ 0")
    award = document.get("award_cny")
    award_cny: Decimal | None = None
    if award is not None:
        try:
            award_cny = Decimal(str(award))
        except InvalidOperation:
            raise MethodError('award_cny must be an amount (a string such as "100000") or null') from None
        if award_cny <= 0 or award_cny != award_cny.quantize(Decimal("0.01")):
            raise MethodError("award_cny must be a positive amount to the fen")
    return Method(
        document=document,
        size=size,
        normalisation=str(normalisation),
        eligibility=tuple(eligibility),
        criteria=tuple(criteria),
        criterion_weights=np.array(criterion_weights, dtype=np.float64),
        indicators=tuple(indicators),
        indicator_weights=np.array(indicator_weights, dtype=np.float64),
        criterion_of=np.array(criterion_of, dtype=np.int64),
        tie_breaks=tuple(tie_breaks),
        perturbation=float(perturbation),
        draws=int(draws),
        seed=int(seed),
        award_cny=award_cny,
        fund=str(document.get("fund") or "special_fund"),
        is_default=bool(document.get("default", False)),
    )
