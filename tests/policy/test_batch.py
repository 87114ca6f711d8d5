"""The batch path agrees with the exact path to the fen, and is driven by the same rules."""

from __future__ import annotations

import random

import numpy as np

from waibao.policy.engine import Package, evaluate
from waibao.policy.engine.batch import BatchFacts, evaluate_batch, round_fen
from waibao.policy.engine.facts import parse_enterprise

from .synthetic import random_enterprise

YEAR = 2009


def test_round_fen_is_half_up() -> None:
    assert list(round_fen(np.array([0.005, 0.015, 0.0149, 2.675, 5100.0085]))) == [0.01, 0.02, 0.01, 2.68, 5100.01]


def test_batch_agrees_with_exact_path_on_10000_random_enterprises(package: Package) -> None:
    rng = random.Random(20071)
    records = [random_enterprise(package, rng, year=YEAR) for _ in range(10_000)]
    batch = BatchFacts.from_records(package, records, year=YEAR)
    result = evaluate_batch(package, batch, year=YEAR)
    rules = package.rule_ids
    exact_amount = {r: np.zeros(len(records), dtype=np.int64) for r in rules}
    exact_minimum = {r: np.zeros(len(records), dtype=np.int64) for r in rules}
    exact_count = {r: np.zeros(len(records), dtype=np.int64) for r in rules}
    exact_unset = {r: np.zeros(len(records), dtype=np.int64) for r in rules}
    for row, record in enumerate(records):
        for e in evaluate(package, {"year": YEAR, "enterprise": record}).entitlements:
            exact_count[e.rule][row] += 1
            if e.amount is None:
                exact_unset[e.rule][row] += 1
            else:
                exact_amount[e.rule][row] += int(e.amount * 100)
            if e.minimum is not None:
                exact_minimum[e.rule][row] += int(e.minimum * 100)
    for rule in rules:
        np.testing.assert_array_equal(np.asarray(result.count[rule], dtype=np.int64), exact_count[rule], rule)
        np.testing.assert_array_equal(np.rint(result.amount_of(rule) * 100).astype(np.int64), exact_amount[rule], rule)
        np.testing.assert_array_equal(
            np.rint(result.minimum_of(rule) * 100).astype(np.int64), exact_minimum[rule], rule
        )
        unset = result.unset.get(rule)
        got_unset = np.zeros(len(records), dtype=np.int64) if unset is None else np.asarray(unset, dtype=np.int64)
        np.testing.assert_array_equal(got_unset, exact_unset[rule], rule)
        assert exact_count[rule].sum() > 0, f"the sample never triggers {rule}"


def test_batch_follows_an_amended_package(package: Package) -> None:
    from datetime import date

    from waibao.policy.engine.amend import amendment

    rng = random.Random(5)
    records = [random_enterprise(package, rng, year=YEAR) for _ in range(300)]
    amended = package.amended([amendment(package, "hz17b_subsidy_rate", "0.90", date(YEAR, 1, 1), note="t")])
    batch = BatchFacts.from_records(package, records, year=YEAR)
    got = np.rint(evaluate_batch(amended, batch, year=YEAR).amount_of("HZ-17b") * 100).astype(np.int64)
    want = [
        sum(
            int(e.amount * 100)
            for e in evaluate(amended, {"year": YEAR, "enterprise": r}).for_rule("HZ-17b")
            if e.amount
        )
        for r in records
    ]
    assert list(got) == want
    assert got.sum() > 0


def test_from_records_checks_facts_exactly(package: Package) -> None:
    rng = random.Random(1)
    record = random_enterprise(package, rng, year=YEAR)
    del record["software_export_usd"]
    try:
        BatchFacts.from_records(package, [record], year=YEAR)
    except Exception as exc:
        assert getattr(exc, "field", "") == "[0].software_export_usd"
    else:  # pragma: no cover
        raise AssertionError("missing fact accepted")
    assert parse_enterprise  # the same checker as the exact path
