"""Benchmark: a top-ten selection run (HZ-24) over 20,000 enterprises with 1,000 sensitivity draws, against the
same arithmetic written directly in NumPy, in the same process.

Runs standalone: `.venv/bin/python benchmarks/topten_run.py [--n 20000] [--draws 1000] [--repeat 3]`.
Target: platform time / plain NumPy time ≤ 2.

The platform path is `waibao.topten.compute.compute`, the function `services.run_create` calls once the snapshot is
read: the method document parsed and checked, the snapshot's rows (one dict of inputs per enterprise, money as
exact-decimal strings, as stored) turned into a matrix, normalised, weighted, ranked with the tie-breaks, the
weights drawn 1,000 times and every enterprise's rank range taken, and one result per enterprise built. The
baseline does the same normalisation, weighting, ranking and draws on a ready float matrix. Reading the snapshot
from the database and writing the run's rows are not in either figure (they are the database's cost, measured by
the page and load benchmarks).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from waibao.topten.compute import compute
from waibao.topten.method import parse_method

ROOT = Path(__file__).resolve().parent.parent


def method_document(draws: int) -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "data/default/topten.yaml").read_text(encoding="utf-8"))["methods"][0]
    doc["from"] = str(doc["from"])
    doc["sensitivity"] = {**doc["sensitivity"], "draws": draws}
    return dict(doc)


def synthetic(n: int, indicators: tuple[str, ...], seed: int = 2007) -> tuple[list[int], list[dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    scale = rng.lognormal(15, 1.2, n)
    rows = []
    for i in range(n):
        s = scale[i]
        values = {
            "executed_cny": f"{s:.2f}",
            "offshore_executed_cny": f"{s * rng.uniform(0, 1):.2f}",
            "client_countries": int(rng.integers(0, 20)),
            "taxes_paid_cny": f"{s * rng.uniform(0.03, 0.09):.2f}",
            "rd_expense_cny": f"{s * rng.uniform(0.02, 0.15):.2f}",
            "patents": int(rng.integers(0, 30)),
            "graduate_employees": int(rng.integers(5, 500)),
            "employees": int(rng.integers(20, 2000)),
            "registered_capital_cny": f"{s * 0.5:.2f}",
        }
        rows.append({name: values[name] for name in indicators})
    return list(range(1, n + 1)), rows


Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def plain_numpy(values: np.ndarray, ids: np.ndarray, iw: np.ndarray, of: np.ndarray, cw: np.ndarray,
                tie: np.ndarray, size: int, p: float, draws: int, seed: int) -> Arrays:  # fmt: skip
    """The same arithmetic by hand: min–max, weighted criteria, lexsort ranking, seeded draws, rank ranges."""
    low, span = values.min(0), np.ptp(values, 0)
    norm = np.where(span > 0, (values - low) / np.where(span > 0, span, 1), 0.0)
    members = np.zeros((len(iw), len(cw)))
    members[np.arange(len(iw)), of] = iw / np.bincount(of, weights=iw)[of]
    scores = norm @ members
    w = cw / cw.sum()
    order = np.lexsort((ids, -tie, -np.round(scores @ w, 9)))
    drawn = cw * np.random.default_rng(seed).uniform(1 - p, 1 + p, (draws, len(cw)))
    drawn /= drawn.sum(1, keepdims=True)
    ordered = scores[order]
    n = len(ids)
    lo, hi, top = np.full(n, n), np.ones(n, dtype=np.int64), np.zeros(n)
    pos = np.arange(1, n + 1)
    for start in range(0, draws, 100):
        totals = np.round(drawn[start : start + 100] @ ordered.T, 9)
        o = np.argsort(-totals, axis=1, kind="stable")
        r = np.empty_like(o)
        np.put_along_axis(r, o, pos[None, :], axis=1)
        lo, hi, top = np.minimum(lo, r.min(0)), np.maximum(hi, r.max(0)), top + (r <= size).sum(0)
    return order, lo, hi  # lo, hi: in ranking order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    document = method_document(args.draws)
    method = parse_method(document)
    ids, rows = synthetic(args.n, method.indicators)
    values = np.array([[float(r[k]) for k in method.indicators] for r in rows])
    id_array = np.asarray(ids, dtype=np.int64)
    # The default method has two tie-breaks; the baseline uses the first (ties on it are vanishingly rare here).
    tie = values[:, method.indicators.index(method.tie_breaks[0])]

    platform_times, plain_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = compute(parse_method(document), ids, rows)
        platform_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        order, lo, hi = plain_numpy(values, id_array, method.indicator_weights, method.criterion_of,
                                    method.criterion_weights, tie, method.size, method.perturbation, args.draws,
                                    method.seed)  # fmt: skip
        plain_times.append(time.perf_counter() - start)

    # Same ranking, same rank ranges.
    assert [r.enterprise_id for r in results[:100]] == [ids[i] for i in order[:100]]
    by_id = {r.enterprise_id: r for r in results}
    # (the baseline's ranges are in ranking order: lo[k] is the k-th ranked enterprise's best rank)
    assert all(by_id[ids[i]].rank_min == lo[k] and by_id[ids[i]].rank_max == hi[k] for k, i in enumerate(order))

    platform, plain = statistics.median(platform_times), statistics.median(plain_times)
    dependent = sum(r.weight_dependent for r in results)
    print(f"enterprises: {args.n:,}  draws: {args.draws:,}  criteria: {len(method.criteria)}  "
          f"indicators: {len(method.indicators)}  weight-dependent places: {dependent}")  # fmt: skip
    print(f"platform run (waibao.topten.compute): {platform:.3f} s  (median of {args.repeat})")
    print(f"plain NumPy, same arithmetic:         {plain:.3f} s")
    ratio = platform / plain
    print(f"ratio: {ratio:.2f}x  (target ≤ 2x: {'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
