"""Benchmark: the YAML-driven batch path against hand-written NumPy, and one exact evaluation.

Runs standalone: `.venv/bin/python benchmarks/policy_batch.py [--n 1000000] [--repeat 3]`.
Targets: batch time / hand-written time ≤ 2; median exact evaluation (with trace) under 200 µs. The exact
evaluation is also timed with `to_dict` and with `to_dict` + JSON, which pages and the API pay on top.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from waibao.policy.engine import evaluate, load_package
from waibao.policy.engine.batch import BatchFacts, BatchList, evaluate_batch, round_fen
from waibao.policy.engine.model import Package

YEAR = 2008
EXAMPLE = {
    "year": YEAR,
    "as_of": "2008-12-31",
    "enterprise": {
        "registered_capital_cny": "120000000",
        "offshore_focused": True,
        "actual_tax_paid_cny": "350000",
        "is_headquarters": False,
        "hq_office_area_m2": "0",
        "moved_into_zone": False,
        "tech_dev_expense_cny": "2200000",
        "tech_dev_expense_prev_year_cny": "2000000",
        "software_export_usd": "500000",
        "rd_centre_recognition": "city",
        "brand_recognition": "none",
        "industrialised_patents": 0,
        "platform_investment_cny": "0",
        "approved_training_institution": False,
        "certifications": [{"standard": "CMMI", "level": 3, "year_obtained": 2008, "fee_cny": "400000"}],
        "trainees": [
            {"category": "fresh_graduate", "fee_cny": "6000", "passed": True, "hired_by_outsourcing_enterprise": True}
        ],
    },
}


def fen(rng: np.random.Generator, n: int, top: float) -> np.ndarray:
    return np.round(rng.uniform(0, top, n), 2)


def synthetic(package: Package, n: int, seed: int = 2007) -> BatchFacts:
    """n enterprise-years of random facts, about one certification and 1.5 trainees each."""
    rng = np.random.default_rng(seed)
    previous = fen(rng, n, 5e6)
    previous[rng.random(n) < 0.1] = np.nan  # no previous-year figure
    columns: dict[str, Any] = {
        "registered_capital_cny": fen(rng, n, 2e8),
        "offshore_focused": rng.random(n) < 0.5,
        "actual_tax_paid_cny": fen(rng, n, 1e6) * (rng.random(n) < 0.8),
        "is_headquarters": rng.random(n) < 0.2,
        "hq_office_area_m2": np.round(rng.uniform(0, 5000, n), 1),
        "moved_into_zone": rng.random(n) < 0.2,
        "tech_dev_expense_cny": fen(rng, n, 5e6),
        "tech_dev_expense_prev_year_cny": previous,
        "software_export_usd": fen(rng, n, 8e6),
        "rd_centre_recognition": rng.integers(0, 4, n).astype(np.int16),
        "brand_recognition": rng.integers(0, 3, n).astype(np.int16),
        "industrialised_patents": rng.integers(0, 3, n).astype(np.float64),
        "platform_investment_cny": fen(rng, n, 1e7) * (rng.random(n) < 0.3),
        "approved_training_institution": rng.random(n) < 0.1,
    }
    m = n
    level = rng.integers(1, 6, m).astype(np.float64)
    level[rng.random(m) < 0.2] = np.nan
    certifications = BatchList(
        owner=np.sort(rng.integers(0, n, m)),
        columns={
            "standard": rng.integers(0, 7, m).astype(np.int16),
            "level": level,
            "year_obtained": (YEAR - rng.integers(0, 4, m)).astype(np.float64),
            "fee_cny": fen(rng, m, 2e6),
        },
    )
    k = n * 3 // 2
    trainees = BatchList(
        owner=np.sort(rng.integers(0, n, k)),
        columns={
            "category": rng.integers(0, 4, k).astype(np.int16),
            "fee_cny": fen(rng, k, 20000),
            "passed": rng.random(k) < 0.8,
            "hired_by_outsourcing_enterprise": rng.random(k) < 0.6,
        },
    )
    batch = BatchFacts(n=n, columns=columns, lists={"certifications": certifications, "trainees": trainees})
    batch.check(package)
    return batch


def hand_written(package: Package, b: BatchFacts, as_of: date) -> dict[str, dict[str, Any]]:
    """The same formulas written out by hand for this package (values still read from its parameters)."""
    in_force = package.parameters_at(as_of).items()
    v: dict[str, Any] = {pid: (pv.value if pv is not None else None) for pid, pv in in_force}
    c = b.columns
    n = b.n
    code = {name: {x: i for i, x in enumerate(spec.choices)} for name, spec in package.facts.items() if spec.choices}
    tol = 1e-6
    out: dict[str, dict[str, Any]] = {}
    tax = c["actual_tax_paid_cny"] > tol
    out["HZ-6"] = {"count": c["moved_into_zone"].copy(), "unset": c["moved_into_zone"].copy()}
    ok = (
        c["offshore_focused"] & (c["registered_capital_cny"] >= float(v["hz9a_min_registered_capital_cny"]) - tol) & tax
    )
    out["HZ-9a"] = {"count": ok, "unset": ok}
    ok = c["is_headquarters"] & tax
    out["HZ-9b"] = {"count": ok, "unset": ok}
    cur, prev = c["tech_dev_expense_cny"], c["tech_dev_expense_prev_year_cny"]
    ok = (prev > 0) & (cur - prev >= prev * float(v["hz10_min_growth_rate"]) - tol)
    out["HZ-10"] = {"count": ok, "amount": np.where(ok, round_fen(cur * float(v["hz10_deduction_rate"])), 0.0)}
    brand = c["brand_recognition"]
    ok = (brand == code["brand_recognition"]["national"]) | (brand == code["brand_recognition"]["provincial"])
    out["HZ-11"] = {"count": ok, "unset": ok}
    export = c["software_export_usd"]
    a_min, b_min = float(v["hz12a_min_export_usd"]), float(v["hz12b_min_export_usd"])
    ok = (export >= a_min - tol) & (export < b_min - tol)
    out["HZ-12a"] = {"count": ok, "amount": np.where(ok, float(v["hz12a_reward_cny"]), 0.0)}
    ok = export >= b_min - tol
    out["HZ-12b"] = {"count": ok, "amount": np.where(ok, float(v["hz12b_reward_cny"]), 0.0)}
    rd = c["rd_centre_recognition"]
    table = np.zeros(4)
    for name, pid in (
        ("national", "hz12c_national_cny"),
        ("provincial", "hz12c_provincial_cny"),
        ("city", "hz12c_city_cny"),
    ):
        table[code["rd_centre_recognition"][name]] = float(v[pid])
    met = table > 0
    ok = (rd == code["rd_centre_recognition"]["national"]) | (rd == code["rd_centre_recognition"]["provincial"])
    ok |= rd == code["rd_centre_recognition"]["city"]
    ok &= met[rd]
    out["HZ-12c"] = {"count": ok, "amount": np.where(ok, table[rd], 0.0)}

    cert = b.lists["certifications"]
    standards = package.lists["certifications"].fields["standard"].choices
    levels = v["hz13_qualifying_certifications"]
    any_level = np.array([s in levels and levels[s] is None for s in standards])
    minimum = np.array([levels[s] if s in levels and levels[s] is not None else np.inf for s in standards])
    std = cert.columns["standard"]
    qualifies = any_level[std] | (cert.columns["level"] >= minimum[std])
    fee = cert.columns["fee_cny"]
    reward = round_fen(np.minimum(fee * float(v["hz13_reward_rate"]), float(v["hz13_reward_cap_cny"])))
    ok = qualifies & (cert.columns["year_obtained"] == YEAR)
    out["HZ-13a"] = {
        "count": np.bincount(cert.owner, weights=ok, minlength=n),
        "amount": np.bincount(cert.owner, weights=np.where(ok, reward, 0.0), minlength=n),
    }
    years = YEAR - cert.columns["year_obtained"]
    ok = qualifies & (years >= 1) & (years <= v["hz13b_follow_up_years"])
    out["HZ-13b"] = {
        "count": np.bincount(cert.owner, weights=ok, minlength=n),
        "amount": np.bincount(cert.owner, weights=np.where(ok, fee, 0.0), minlength=n),
        "minimum": np.bincount(cert.owner, weights=np.where(ok, reward, 0.0), minlength=n),
    }
    ok = c["industrialised_patents"] > tol
    out["HZ-14"] = {"count": ok, "unset": ok}
    invest = c["platform_investment_cny"]
    ok = invest > tol
    out["HZ-15"] = {
        "count": ok,
        "amount": np.where(ok, round_fen(invest * float(v["hz15_max_rate"])), 0.0),
        "minimum": np.where(ok, round_fen(invest * float(v["hz15_min_rate"])), 0.0),
    }
    ok = c["approved_training_institution"]
    out["HZ-17a"] = {"count": ok, "unset": ok}

    tr = b.lists["trainees"]
    cat = tr.columns["category"]
    cats = {x: i for i, x in enumerate(package.lists["trainees"].fields["category"].choices)}
    tfee = tr.columns["fee_cny"]
    graduate = (cat == cats["fresh_graduate"]) | (cat == cats["unemployed_graduate"])
    hired = tr.columns["hired_by_outsourcing_enterprise"]
    for rule, ok, rate in (
        ("HZ-17b", graduate, "hz17b_subsidy_rate"),
        ("HZ-17b-hire", graduate & hired, "hz17b_hire_refund_rate"),
        ("HZ-17c", cat == cats["new_employee"], "hz17c_subsidy_rate"),
    ):
        out[rule] = {
            "count": np.bincount(tr.owner, weights=ok, minlength=n),
            "amount": np.bincount(tr.owner, weights=np.where(ok, round_fen(tfee * float(v[rate])), 0.0), minlength=n),
        }
    ok = (cat == cats["customised"]) & tr.columns["passed"] & hired
    counted = np.bincount(tr.owner, weights=ok, minlength=n)
    out["HZ-17d"] = {"count": counted, "unset": counted}
    return out


def check_same(package: Package, batch_result: Any, manual: dict[str, dict[str, Any]]) -> None:
    for rule in package.rules:
        mine = manual[rule.id]
        pairs = [
            ("count", np.asarray(batch_result.count[rule.id], dtype=np.float64), mine["count"]),
            ("amount", batch_result.amount_of(rule.id), mine.get("amount", np.zeros(batch_result.n))),
            ("minimum", batch_result.minimum_of(rule.id), mine.get("minimum", np.zeros(batch_result.n))),
        ]
        for what, got, want in pairs:
            if not np.array_equal(np.rint(got * 100), np.rint(np.asarray(want, dtype=np.float64) * 100)):
                raise SystemExit(f"batch and hand-written disagree on {rule.id} {what}")


def best_of(repeat: int, fn: Any) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="enterprise-years (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    parser.add_argument("--exact-runs", type=int, default=2000, help="timed exact evaluations")
    args = parser.parse_args()

    package = load_package("hangzhou-2007")
    as_of = date(YEAR, 12, 31)
    batch = synthetic(package, args.n)
    items = sum(len(x) for x in batch.lists.values())
    print(f"{args.n:,} synthetic enterprise-years, {items:,} list items, {len(package.rules)} rules")

    batch_time, batch_result = best_of(args.repeat, lambda: evaluate_batch(package, batch, year=YEAR, as_of=as_of))
    manual_time, manual = best_of(args.repeat, lambda: hand_written(package, batch, as_of))
    check_same(package, batch_result, manual)
    ratio = batch_time / manual_time
    print(f"batch path (YAML rules):  {batch_time * 1000:9.1f} ms")
    print(f"hand-written NumPy:       {manual_time * 1000:9.1f} ms")
    print(f"ratio batch / hand:       {ratio:9.2f}   (target <= 2) {'OK' if ratio <= 2 else 'MISSED'}")

    # One exact evaluation, three ways: bare (the engine's work), with `to_dict` (what pages and the API
    # build from it), and with `to_dict` and JSON (what an API answer or a stored verdict costs).
    evaluate(package, EXAMPLE)  # warm the per-date caches
    ways = {
        "bare": lambda: evaluate(package, EXAMPLE),
        "with to_dict": lambda: evaluate(package, EXAMPLE).to_dict(),
        "with to_dict and JSON": lambda: json.dumps(evaluate(package, EXAMPLE).to_dict(), ensure_ascii=False),
    }
    medians: dict[str, float] = {}
    for name, fn in ways.items():
        samples = []
        for _ in range(args.exact_runs):
            start = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - start)
        medians[name] = statistics.median(samples) / 1000
    bare = medians["bare"]
    print(f"exact evaluation (with trace), median of {args.exact_runs:,} runs:")
    for name, median_us in medians.items():
        print(f"  {name:<22} {median_us:9.1f} µs  ({median_us / bare:.1f}× bare)")
    print(f"target: bare < 200 µs {'OK' if bare < 200 else 'MISSED'}; pages and the API pay the JSON line")


if __name__ == "__main__":
    main()
