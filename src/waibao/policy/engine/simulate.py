"""What-if: the total of every rule and fund for many enterprises, baseline against an amended policy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from waibao.policy.engine.batch import BatchFacts, BatchResult, evaluate_batch
from waibao.policy.engine.model import Package, ParameterValue


@dataclass
class Simulation:
    """Totals per rule and fund under the baseline and the amended package, against the budget."""

    package: Package
    amended: Package
    year: int
    as_of: date
    enterprises: int
    changes: list[tuple[str, ParameterValue]]
    baseline: BatchResult
    result: BatchResult
    defaulted_facts: list[str] = field(default_factory=list)
    source: str = ""

    def _budget(self, package: Package, totals: dict[str, dict[str, Any]]) -> dict[str, Any]:
        budget: Decimal | None = None
        if package.budget_parameter:
            resolved = package.parameters_at(self.as_of)[package.budget_parameter]
            value = resolved.value if resolved is not None else None
            budget = value if isinstance(value, Decimal) else None
        taken = sum((t["amount"] for t in totals.values() if t["fund"] in package.budget_funds), Decimal("0.00"))
        share = None
        if budget:
            share = (taken / budget * 100).quantize(Decimal("0.01"))
        return {
            "budget_cny": None if budget is None else str(budget),
            "rewards_cny": str(taken),
            "share_percent": None if share is None else str(share),
        }

    def to_dict(self) -> dict[str, Any]:
        base_totals = self.baseline.totals()
        new_totals = self.result.totals()
        rules = []
        for rule in self.package.rules:
            b, a = base_totals[rule.id], new_totals[rule.id]
            rules.append(
                {
                    "rule": rule.id,
                    "fund": rule.fund,
                    "kind": rule.kind,
                    "basis": rule.basis,
                    "baseline": _totals_json(b),
                    "amended": _totals_json(a),
                    "change_cny": str(a["amount"] - b["amount"]),
                }
            )
        funds = []
        for fund in self.package.funds:
            b_sum = sum((t["amount"] for t in base_totals.values() if t["fund"] == fund), Decimal("0.00"))
            a_sum = sum((t["amount"] for t in new_totals.values() if t["fund"] == fund), Decimal("0.00"))
            funds.append(
                {"fund": fund, "baseline_cny": str(b_sum), "amended_cny": str(a_sum), "change_cny": str(a_sum - b_sum)}
            )
        return {
            "package": self.package.id,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "enterprises": self.enterprises,
            "source": self.source,
            "defaulted_facts": self.defaulted_facts,
            "amendments": [
                {"parameter": pid, "value": _value_json(v.value), "from": v.effective_from.isoformat()}
                for pid, v in self.changes
            ],
            "note": "amounts are the maximum of each entitlement (the ceiling, the top of a range); "
            "entitlements without an amount (parameter unset) are counted, not summed",
            "rules": rules,
            "funds": funds,
            "budget": {
                "parameter": self.package.budget_parameter,
                "funds": list(self.package.budget_funds),
                "baseline": self._budget(self.package, base_totals),
                "amended": self._budget(self.amended, new_totals),
            },
        }


def _value_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _totals_json(totals: dict[str, Any]) -> dict[str, Any]:
    return {
        "amount_cny": str(totals["amount"]),
        "minimum_cny": None if totals["minimum"] is None else str(totals["minimum"]),
        "entitlements": totals["entitlements"],
        "without_amount": totals["without_amount"],
    }


def simulate(
    package: Package,
    records: Sequence[Any],
    *,
    year: int,
    as_of: date | None = None,
    changes: list[tuple[str, ParameterValue]] | None = None,
    defaulted_facts: list[str] | None = None,
    source: str = "",
) -> Simulation:
    """Check every record's facts exactly, then run the batch path under both packages."""
    as_of = as_of or date(year, 12, 31)
    changes = changes or []
    amended = package.amended(changes) if changes else package
    batch = BatchFacts.from_records(package, records, year=year)
    return Simulation(
        package=package,
        amended=amended,
        year=year,
        as_of=as_of,
        enterprises=batch.n,
        changes=changes,
        baseline=evaluate_batch(package, batch, year=year, as_of=as_of),
        result=evaluate_batch(amended, batch, year=year, as_of=as_of),
        defaulted_facts=defaulted_facts or [],
        source=source,
    )
