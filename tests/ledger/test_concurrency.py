"""The ledger's invariants under concurrency: many OS processes approving and paying against one budget line,
on a file SQLite database (WAL, IMMEDIATE transactions) and on PostgreSQL (row locks).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.ledger import concurrency

WORKERS = 6  # processes racing for one budget line (each spawned process imports Django: a few seconds of CPU)
FIT = 3  # how many of them the line's remaining budget admits
AMOUNT = "200000.00"  # HZ-12a
PAYERS = 6
TIMEOUT = 300  # seconds for any step: a worker that cannot start fails the test instead of hanging it


def _race(database_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    with (
        ctx.Manager() as manager,
        ctx.Pool(WORKERS, initializer=concurrency.django_for, initargs=(database_url,)) as pool,
    ):
        info: dict[str, Any] = pool.apply_async(
            concurrency.prepare, (database_url,), {"applications": WORKERS, "amount": AMOUNT, "leave_room_for": FIT}
        ).get(timeout=TIMEOUT)
        before = pool.apply_async(concurrency.summary, (database_url,)).get(timeout=TIMEOUT)

        # 1. WORKERS processes approve at the same moment against a line with room for exactly FIT.
        barrier = manager.Barrier(WORKERS)
        results = pool.starmap_async(
            concurrency.commit_task, [(info["office"], app_id, AMOUNT, barrier) for app_id in info["applications"]]
        ).get(timeout=TIMEOUT)
        outcomes = Counter(code for _id, code, _msg in results)
        crashes = [msg for _id, code, msg in results if code == "crash"]
        assert not crashes, crashes[0]
        assert not any("locked" in msg.lower() for _id, _code, msg in results)
        assert outcomes == {"ok": FIT, "insufficient_budget": WORKERS - FIT}, outcomes
        winners = [app_id for app_id, code, _msg in results if code == "ok"]
        commitments = pool.apply_async(concurrency.commitment_ids, (winners,)).get(timeout=TIMEOUT)
        assert len(commitments) == FIT

        # 2. The same payment (one key) submitted by PAYERS processes at once pays once.
        barrier = manager.Barrier(PAYERS)
        paid = pool.starmap_async(
            concurrency.pay_task,
            [(info["finance"], commitments[0], "50000.00", "same-key", barrier) for _ in range(PAYERS)],
        ).get(timeout=TIMEOUT)
        assert all(code == "ok" for _id, code, _msg in paid), paid
        assert len({entry_id for _id, _code, entry_id in paid}) == 1

        # 3. PAYERS processes pay a quarter each with their own keys: only the open amount is paid.
        barrier = manager.Barrier(PAYERS)
        quarter = str(Decimal(AMOUNT) / 4)
        competing = pool.starmap_async(
            concurrency.pay_task,
            [(info["finance"], commitments[1], quarter, f"key-{i}", barrier) for i in range(PAYERS)],
        ).get(timeout=TIMEOUT)
        codes = Counter(code for _id, code, _msg in competing)
        assert codes == {"ok": 4, "exceeds_commitment": PAYERS - 4}, competing

        # 4. The same voucher entered at once for payments on two budget lines (the third winner's and the ETDZ
        # line's commitment), each with its own key: one is recorded, the others are told the voucher is taken.
        barrier = manager.Barrier(PAYERS)
        targets = [commitments[2] if i % 2 else info["other_commitment"] for i in range(PAYERS)]
        vouchers = pool.starmap_async(
            concurrency.pay_task,
            [
                (info["finance"], target, "1000.00", f"voucher-{i}", barrier, "V-2008-0001")
                for i, target in enumerate(targets)
            ],
        ).get(timeout=TIMEOUT)
        codes = Counter(code for _id, code, _msg in vouchers)
        assert codes == {"ok": 1, "voucher_duplicate": PAYERS - 1}, vouchers
        voucher_on_line = sum(1 for target, code, _msg in vouchers if code == "ok" and target == commitments[2])

        after = pool.apply_async(concurrency.summary, (database_url,)).get(timeout=TIMEOUT)

    # The commitments sum to the ledger, the line holds, the entries reconcile, the audit chain is intact.
    assert after["commitments"] == before["commitments"] + FIT
    assert Decimal(after["committed_sum"]) == Decimal(before["committed_sum"]) + FIT * Decimal(AMOUNT)
    assert Decimal(after["line_paid"]) == Decimal("50000.00") + Decimal(AMOUNT) + voucher_on_line * Decimal("1000.00")
    assert Decimal(after["paid_elsewhere"]) == (1 - voucher_on_line) * Decimal("1000.00")
    assert Decimal(after["line_committed"]) + Decimal(after["line_paid"]) == Decimal(after["committed_sum"])
    assert Decimal(after["line_committed"]) + Decimal(after["line_paid"]) <= Decimal(after["line_budgeted"])
    # FIT commitments filled the line to the fen the filler left over (nothing was released).
    assert Decimal(after["line_budgeted"]) - Decimal(after["committed_sum"]) == Decimal("0.01")
    assert after["payments"] == 1 + 4 + 1
    assert after["reconcile"] == []
    assert after["audit_ok"], after["audit_reason"]


@pytest.mark.sqlite_only
def test_concurrent_approvals_and_payments_on_sqlite(tmp_path: Path) -> None:
    database = tmp_path / "race.sqlite3"
    _race(f"sqlite:///{database}")


@pytest.mark.postgres
def test_concurrent_approvals_and_payments_on_postgres(postgres_url: str) -> None:
    _race(postgres_url)
