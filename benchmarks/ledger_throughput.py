"""10,000 applications through approval (commitment) and payment on the ledger: throughput and p95 of one approval.

Runs on a throwaway SQLite database, and on PostgreSQL too when WAIBAO_TEST_POSTGRES_URL is set (a fresh
database `waibao_bench_ledger_<pid>` on that server, dropped afterwards). With `--workers N` (default 1),
N processes approve and pay their share at the same time (all on the same few budget lines), which measures
throughput under contention; with 1 worker the p95 is that of one approval with nobody waiting.

The Application rows are created directly with bulk_create, in public notice with the notice period over (as
after department review and the programme office's approval). Each approval is the programme office's final
approval through the applications workflow (`application_transition(action="final_approve")`, which commits
the amount on the ledger) and each payment is the finance officer's `application_record_payment` (which pays
through the ledger and moves the application to `paid`): the same services the pages call, each one
transaction with its audit events.

Run: .venv/bin/python benchmarks/ledger_throughput.py [--applications 10000] [--workers 1]
     [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

P95_TARGET_MS = 50.0  # the ledger's own target for one approval (the issue names no number)
ROOT = Path(__file__).resolve().parent.parent


def django_for(database_url: str) -> None:
    """Point this process at `database_url` and set Django up (no migration: `prepare` did that)."""
    for path in (ROOT / "src", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def prepare(database_url: str, applications: int) -> dict[str, Any]:
    """Migrate, load the data set, create the users and `applications` applications whose notice has ended."""
    import datetime
    from decimal import Decimal

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from waibao.accounts.models import Role, User
    from waibao.applications.models import Application, ApplicationStatus
    from waibao.governance.dataset import load_governance_dataset
    from waibao.ledger.dataset import load_ledger_dataset
    from waibao.registry.dataset import load_registry_dataset
    from waibao.registry.demo import create_demo_enterprises
    from waibao.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_registry_dataset(folder)
    load_governance_dataset(folder)
    load_ledger_dataset(folder)
    create_demo_enterprises(count=60, seed=2007)
    office = User.objects.create(username="bench-office", role=Role.PROGRAMME_OFFICE)
    finance = User.objects.create(username="bench-finance", role=Role.FINANCE_OFFICER)
    enterprises = list(Enterprise.objects.order_by("pk"))
    rules = ("HZ-12a", "HZ-12c", "HZ-15", "HZ-17c", "HZ-9a")  # five earmarked uses; zones give three sources
    notice_end = datetime.date.today() - datetime.timedelta(days=1)
    notice_start = notice_end - datetime.timedelta(days=6)
    Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprises[i % len(enterprises)],
                rule_id=rules[i % len(rules)],
                year=2007 + i % 4,
                item_key=f"bench-{i}",
                status=ApplicationStatus.IN_NOTICE,
                fund_code="special_fund",
                approved_amount_cny=Decimal("200.00"),
                notice_starts_on=notice_start,
                notice_ends_on=notice_end,
            )
            for i in range(applications)
        ],
        batch_size=2000,
    )
    ids = list(Application.objects.filter(item_key__startswith="bench-").order_by("pk").values_list("pk", flat=True))
    result = {"office": office.pk, "finance": finance.pk, "applications": ids}
    connection.close()
    return result


def approve_and_pay(office_id: int, finance_id: int, application_ids: list[int]) -> tuple[list[float], list[float]]:
    """One worker's share: commit then pay each application; the milliseconds of each call."""
    from decimal import Decimal

    from waibao.accounts.models import User
    from waibao.applications.models import Application
    from waibao.applications.services import application_record_payment, application_transition

    office = User.objects.get(pk=office_id)
    finance = User.objects.get(pk=finance_id)
    approve_ms: list[float] = []
    pay_ms: list[float] = []
    for application in Application.objects.filter(pk__in=application_ids).select_related("enterprise").order_by("pk"):
        amount = Decimal("200.00")
        t0 = time.perf_counter()
        application = application_transition(acting_user=office, application=application, action="final_approve")
        t1 = time.perf_counter()
        application = application_record_payment(
            acting_user=finance, application=application, amount=amount, idempotency_key=f"pay-{application.pk}"
        )
        assert application.status == "paid", application.status
        t2 = time.perf_counter()
        approve_ms.append((t1 - t0) * 1000)
        pay_ms.append((t2 - t1) * 1000)
    return approve_ms, pay_ms


def check(expected_paid: str) -> dict[str, Any]:
    """After the run: the money adds up, the balances reconcile with the entries, the audit chain is intact."""
    from decimal import Decimal

    from django.db.models import Sum

    from waibao.audit.services import audit_verify
    from waibao.ledger.models import Commitment, LedgerEntry
    from waibao.ledger.selectors import ledger_reconcile

    paid = Commitment.objects.aggregate(s=Sum("paid"))["s"]
    chain = audit_verify()
    return {
        "paid_ok": paid == Decimal(expected_paid),
        "entries": LedgerEntry.objects.count(),
        "reconciled": not ledger_reconcile(),
        "audit_ok": chain.ok,
        "audit_events": chain.checked,
    }


def measure(database_url: str, applications: int, workers: int, label: str) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=django_for, initargs=(database_url,)) as pool:
        info = pool.apply(prepare, (database_url, applications))
        ids: list[int] = info["applications"]
        shares = [ids[i::workers] for i in range(workers)]
        started = time.perf_counter()
        parts = pool.starmap(approve_and_pay, [(info["office"], info["finance"], share) for share in shares])
        elapsed = time.perf_counter() - started
        verdict = pool.apply(check, (str(200 * applications),))
    approve_ms = [t for part in parts for t in part[0]]
    pay_ms = [t for part in parts for t in part[1]]
    return {
        "label": label,
        "workers": workers,
        "applications": applications,
        "seconds": elapsed,
        "per_second": applications / elapsed,
        "operations_per_second": 2 * applications / elapsed,
        "approve_median": statistics.median(approve_ms),
        "approve_p95": statistics.quantiles(approve_ms, n=100)[94],
        "pay_p95": statistics.quantiles(pay_ms, n=100)[94],
        **verdict,
    }


def _postgres_database() -> tuple[str, str] | None:
    server = os.environ.get("WAIBAO_TEST_POSTGRES_URL", "").strip()
    if not server:
        return None
    import psycopg

    name = f"waibao_bench_ledger_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return server, name


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _report(r: dict[str, Any]) -> None:
    print(f"\n{r['label']}: {r['applications']:,} applications approved and paid by {r['workers']} process(es)")
    print(
        f"  total {r['seconds']:.1f} s: {r['per_second']:.0f} applications/s,"
        f" {r['operations_per_second']:.0f} ledger operations/s"
    )
    verdict = "MET" if r["approve_p95"] < P95_TARGET_MS else "MISSED"
    print(
        f"  one approval: median {r['approve_median']:.1f} ms, p95 {r['approve_p95']:.1f} ms"
        f" (target < {P95_TARGET_MS:.0f} ms: {verdict}; ratio {r['approve_p95'] / P95_TARGET_MS:.2f})"
    )
    print(f"  one payment: p95 {r['pay_p95']:.1f} ms")
    print(
        f"  {r['entries']:,} ledger entries; paid total correct: {r['paid_ok']}; balances reconcile: {r['reconciled']};"
        f" audit chain intact: {r['audit_ok']} ({r['audit_events']:,} events)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="waibao-bench-ledger-"))
    # The worker processes' throwaway folders (the test settings' media, static and cache) go inside it too.
    os.environ["TMPDIR"] = str(folder)
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    if args.database in ("sqlite", "both"):
        _report(
            measure(f"sqlite:///{folder / 'bench.sqlite3'}", args.applications, args.workers, "SQLite (WAL, IMMEDIATE)")
        )
    if args.database in ("postgres", "both"):
        created = _postgres_database()
        if created is None:
            print("\nPostgreSQL: skipped (WAIBAO_TEST_POSTGRES_URL is unset; run scripts/test-postgres.sh start)")
            return
        server, name = created
        try:
            url = f"{server.rsplit('/', 1)[0]}/{name}"
            _report(measure(url, args.applications, args.workers, "PostgreSQL"))
        finally:
            _drop(server, name)


if __name__ == "__main__":
    main()
