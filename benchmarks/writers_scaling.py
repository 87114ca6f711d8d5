"""Independent writers on PostgreSQL with fsync on: 1/2/4/8 processes, and a payment during a large import.

    .venv/bin/python benchmarks/writers_scaling.py --database postgres [--seconds 10] [--processes 1,2,4,8]
        [--import-rows 50000] [--pg-port 54435] [--explain]

Starts a throwaway PostgreSQL cluster of its own (a temporary folder, `fsync=on`, `synchronous_commit=on`,
`full_page_writes=on`: the durability settings of production, unlike the test cluster which runs with fsync
off) on loopback, migrates a fresh database, loads the default data set, and measures:

1. review steps: each process takes "start review" (`application_transition(action="start_review")`) on its
   own submitted applications, one after another, for `--seconds`;
2. approval + payment: each process takes the programme office's final approval (which commits on the ledger)
   and the finance officer's payment (`application_record_payment`) of its own applications, each process on a
   different budget line (its own rule × year), for `--seconds`; one operation is the pair;
3. a payment while an import commits: one process imports `--import-rows` enterprises through
   `registry.services.enterprise_import` (one transaction, one audit event per row) while another pays one
   committed application every 50 ms; prints how long the slowest payment took and the import's duration.

For each number of processes it prints operations/s, p50 and p95 of one operation, the ratio against
the single-process rate measured in the same run, the share of the benchmark's active database sessions
found waiting for a lock (sampled every 50 ms): writers that serialise on one row show up there, and the CPU
time one operation cost, in the client processes and in the server processes serving them (read from /proc:
the server runs on the same machine). With two cores, 2,000 ms / (client + server) is the most operations a
second the machine can do, whatever the number of processes: the table's last column is each run's share of it, and
the closing line says how many times the single-process rate the machine's cores allow at most.
Target (issue 17): 8 processes ≥ 2× the single-process rate with p95 < 250 ms, for both workloads.
The cluster and its folder are removed at the end.

`--explain` measures nothing under load: in one process it runs one warm-up operation of each workload, then
captures the statements of one more (each printed with how often it ran), times twenty more (wall and this
process's CPU time) and profiles five more with cProfile timing CPU (not waits)
(Python function calls an operation, and the top functions by cumulative and by own time). It is how the
statements and the Python an operation costs are counted, repeatably, before and after a change.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
P95_TARGET_MS = 250.0
SCALE_TARGET = 2.0
PREFIX = "bench-writers"


# --- the throwaway cluster ------------------------------------------------------------------------------


@contextlib.contextmanager
def fsync_cluster(port: int) -> Iterator[str]:
    """A PostgreSQL cluster with production durability (fsync on) in a temporary folder; yields its URL."""
    initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdb:
        raise SystemExit("PostgreSQL is not installed: run scripts/ensure-system-packages.sh (make install-test does)")
    bindir = initdb[-1].parent
    (ROOT / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-fsync-", dir=ROOT / "var"))  # on disk, not tmpfs
    data = folder / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        var = ROOT / "var"
        var.chmod(var.stat().st_mode | 0o001)  # as scripts/test-postgres.sh: postgres passes through (var may be 0700)
        folder.chmod(0o755)
        data.mkdir()
        shutil.chown(data, "postgres")
    try:
        subprocess.run(
            [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "waibao", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = (
            f"-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=60 -c fsync=on"
            " -c synchronous_commit=on -c full_page_writes=on"
        )
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "-o", options,
             "start"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            yield f"postgres://waibao@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                check=False, stdout=subprocess.DEVNULL,
            )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- Django in each process ------------------------------------------------------------------------------


def django_for(database_url: str) -> None:
    for path in (ROOT / "src", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def prepare() -> dict[str, Any]:
    """Migrate, load the data set, create the users and a few enterprises."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from waibao.accounts.models import Role, User
    from waibao.governance.dataset import load_governance_dataset
    from waibao.ledger.dataset import load_ledger_dataset
    from waibao.registry.dataset import load_registry_dataset
    from waibao.registry.demo import create_demo_enterprises

    call_command("migrate", verbosity=0)
    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_registry_dataset(folder)
    load_governance_dataset(folder)
    load_ledger_dataset(folder)
    create_demo_enterprises(count=40, seed=2007)
    office = User.objects.create(username=f"{PREFIX}-office", role=Role.PROGRAMME_OFFICE)
    finance = User.objects.create(username=f"{PREFIX}-finance", role=Role.FINANCE_OFFICER, email="fin@example.org")
    # The applicant has an account, as every applicant does: each step notifies it (and e-mails it on commit).
    User.objects.create(
        username=f"{PREFIX}-enterprise", role=Role.ENTERPRISE, enterprise=applicant(), email="ent@example.org"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit')")
        version, fsync, sync_commit = cursor.fetchone()
    url = os.environ["DATABASE_URL"]
    connection.close()
    return {
        "url": url,
        "office": office.pk,
        "finance": finance.pk,
        "server": version.split(" on ")[0],
        "fsync": fsync,
        "synchronous_commit": sync_commit,
    }


# Five earmarked uses × four years: twenty budget lines per source, so each process gets its own line.
RULES = ("HZ-12a", "HZ-12c", "HZ-15", "HZ-17c", "HZ-9a")


def applicant() -> Any:
    """The enterprise every benchmark application is made for."""
    from waibao.registry.models import Enterprise

    enterprise = Enterprise.objects.filter(zone__isnull=True).first() or Enterprise.objects.order_by("pk").first()
    assert enterprise is not None
    return enterprise


def make_applications(*, tag: str, processes: int, per_process: int, status: str) -> list[list[int]]:
    """`per_process` applications in `status` for each process; for approval, process i has its own line."""
    import datetime
    from decimal import Decimal

    from waibao.applications.models import Application

    enterprise = applicant()
    notice_end = datetime.date.today() - datetime.timedelta(days=1)
    shares: list[list[int]] = []
    for p in range(processes):
        rule, year = RULES[p % len(RULES)], 2007 + p // len(RULES)
        Application.objects.bulk_create(
            [
                Application(
                    enterprise=enterprise,
                    rule_id=rule,
                    year=year,
                    item_key=f"{tag}-{p}-{i}",
                    status=status,
                    fund_code="special_fund",
                    recommended_amount_cny=Decimal("200.00"),
                    approved_amount_cny=Decimal("200.00"),
                    notice_starts_on=notice_end - datetime.timedelta(days=6),
                    notice_ends_on=notice_end,
                )
                for i in range(per_process)
            ],
            batch_size=2000,
        )
        shares.append(
            list(
                Application.objects.filter(item_key__startswith=f"{tag}-{p}-")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        )
    return shares


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process on this machine (Linux /proc; 0 where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _work(
    kind: str, office_id: int, finance_id: int, ids: list[int], barrier: Any, seconds: float
) -> tuple[list[float], float, float]:
    """One process: one warm-up operation, then (all processes together) operations of `kind` on its own
    applications for `seconds`; the milliseconds of each, and the CPU seconds this process and its database
    session (the server process serving it, on the same machine) spent while they ran."""
    from django.db import connection

    from waibao.accounts.models import User
    from waibao.applications.models import Application

    office = User.objects.get(pk=office_id)
    finance = User.objects.get(pk=finance_id)
    applications = iter(list(Application.objects.filter(pk__in=ids).order_by("pk")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    times: list[float] = []
    warm_up = True  # the first operation loads modules, templates and the policy package: not measured
    end = client0 = server0 = 0.0
    while warm_up or time.time() < end:
        application = next(applications, None)
        if application is None:
            raise RuntimeError("ran out of prepared applications: raise the pool size")
        t0 = time.perf_counter()
        _operation(kind, office, finance, application)
        if warm_up:
            warm_up = False
            barrier.wait()
            end = time.time() + seconds
            client0, server0 = time.process_time(), _cpu_seconds(backend)
            continue
        times.append((time.perf_counter() - t0) * 1000)
    client, server = time.process_time() - client0, _cpu_seconds(backend) - server0
    connection.close()
    return times, client, server


def run_workload(
    pool: Any, manager: Any, info: dict[str, Any], kind: str, processes: int, seconds: float
) -> dict[str, Any]:
    per_process = 2500 if kind == "review" else 600
    status = "submitted" if kind == "review" else "in_notice"
    shares = pool.apply(
        make_applications,
        (),
        {"tag": f"{kind}-{processes}", "processes": processes, "per_process": per_process, "status": status},
    )
    barrier = manager.Barrier(processes)
    pending = pool.starmap_async(
        _work, [(kind, info["office"], info["finance"], share, barrier, seconds) for share in shares]
    )
    waiting, samples, waits = _lock_waits(info["url"], pending)
    parts = pending.get()
    times = [t for part, _client, _server in parts for t in part]
    return {
        "client_ms": sum(client for _part, client, _server in parts) * 1000 / len(times),
        "server_ms": sum(server for _part, _client, server in parts) * 1000 / len(times),
        "processes": processes,
        "ops": len(times),
        "per_second": len(times) / seconds,
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=100)[94] if len(times) > 1 else times[0],
        "lock_waits": waiting / samples if samples else 0.0,
        "waits": ", ".join(f"{name} {n / samples:.0%}" for name, n in waits.most_common(4)) if samples else "",
    }


def _lock_waits(url: str, pending: Any) -> tuple[int, int, collections.Counter[str]]:
    """Sample the benchmark's busy sessions every 50 ms while the run lasts: how many wait for a lock, and what
    the sessions wait on (`wait_event_type:wait_event`, "CPU" for none: running or runnable)."""
    import psycopg

    waiting = samples = 0
    waits: collections.Counter[str] = collections.Counter()
    with psycopg.connect(url, autocommit=True) as conn:
        while not pending.ready():
            for wait_type, wait_event in conn.execute(
                "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state = 'active'"
            ):
                samples += 1
                waiting += wait_type == "Lock"
                waits[f"{wait_type}:{wait_event}" if wait_type else "CPU"] += 1
            time.sleep(0.05)
    return waiting, samples, waits


def _operation(kind: str, office: Any, finance: Any, application: Any) -> None:
    from decimal import Decimal

    from waibao.applications.services import application_record_payment, application_transition

    if kind == "review":
        application_transition(acting_user=office, application=application, action="start_review")
        return
    application = application_transition(acting_user=office, application=application, action="final_approve")
    application = application_record_payment(
        acting_user=finance, application=application, amount=Decimal("200.00"), idempotency_key=f"pay-{application.pk}"
    )
    assert application.status == "paid", application.status


def _explain(kind: str, office_id: int, finance_id: int, ids: list[int], top: int) -> str:
    """One warm-up operation, one with its statements captured, five under cProfile; the report as text."""
    import collections
    import cProfile
    import pstats
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from waibao.accounts.models import User
    from waibao.applications.models import Application

    office = User.objects.get(pk=office_id)
    finance = User.objects.get(pk=finance_id)
    applications = iter(list(Application.objects.filter(pk__in=ids).order_by("pk")))
    _operation(kind, office, finance, next(applications))
    with CaptureQueriesContext(connection) as captured:
        _operation(kind, office, finance, next(applications))
    shapes: collections.Counter[str] = collections.Counter()
    for query in captured.captured_queries:
        sql = re.sub(r"\b\d+\b|'[^']*'", "?", query["sql"])
        shapes[sql[:160]] += 1
    out = io.StringIO()
    out.write(f"\n== {kind}: {len(captured.captured_queries)} statements an operation\n")
    for sql, n in shapes.most_common():
        out.write(f"  {n:>3} × {sql}\n")
    cpu, wall = [], []
    for _ in range(20):
        application = next(applications)
        c0, w0 = time.process_time(), time.perf_counter()
        _operation(kind, office, finance, application)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    out.write(
        f"-- one process, 20 operations: median {statistics.median(wall):.1f} ms an operation, of which"
        f" {statistics.median(cpu):.1f} ms this process's CPU (the rest: the server, its disk, the network)\n"
    )
    profiler = cProfile.Profile(time.process_time)
    runs = 5
    for _ in range(runs):
        application = next(applications)
        profiler.enable()
        _operation(kind, office, finance, application)
        profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"-- {stats.total_calls // runs:,} Python function calls an operation\n")  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top // 2)
    connection.close()
    return out.getvalue()


# --- a payment while an import commits -----------------------------------------------------------------


def _import_file(rows: int) -> bytes:
    from waibao.registry.credit_code import make_credit_code, make_org_code

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    out = io.StringIO()
    out.write("credit_code,name_zh\n")
    n = i = 0
    while n < rows:
        i += 1
        digits = ""
        value = i
        for _ in range(6):
            digits = alphabet[value % len(alphabet)] + digits
            value //= len(alphabet)
        try:
            org9 = make_org_code("MB" + digits)
        except ValueError:
            continue
        out.write(f"{make_credit_code('913301' + '06' + org9)},导入企业{i}\n")
        n += 1
    return out.getvalue().encode("utf-8")


def _run_import(office_id: int, rows: int, start_at: float) -> tuple[float, float, float]:
    """Import `rows` enterprises in one transaction; (started, finished, seconds) in wall-clock time."""
    from django.db import connection

    from waibao.accounts.models import User
    from waibao.registry.services import enterprise_import

    office = User.objects.get(pk=office_id)
    data = _import_file(rows)
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    result = enterprise_import(acting_user=office, stream=io.BytesIO(data), filename="bench.csv")
    finished = time.time()
    assert result.created == rows, result.created
    connection.close()
    return started, finished, finished - started


def _pay_during(finance_id: int, ids: list[int], start_at: float, until_file: str) -> list[tuple[float, float]]:
    """Pay one application every 50 ms until the import is over; (wall time started, ms) of each payment."""
    from decimal import Decimal

    from django.db import connection

    from waibao.accounts.models import User
    from waibao.applications.models import Application
    from waibao.applications.services import application_record_payment

    finance = User.objects.get(pk=finance_id)
    applications = iter(list(Application.objects.filter(pk__in=ids).order_by("pk")))
    out: list[tuple[float, float]] = []
    warm = next(applications)  # loads what the first payment needs: not measured
    application_record_payment(
        acting_user=finance, application=warm, amount=Decimal("200.00"), idempotency_key=f"imp-{warm.pk}"
    )
    time.sleep(max(0.0, start_at - time.time()))
    while not Path(until_file).exists():
        application = next(applications, None)
        if application is None:
            break
        started = time.time()
        t0 = time.perf_counter()
        application_record_payment(
            acting_user=finance,
            application=application,
            amount=Decimal("200.00"),
            idempotency_key=f"imp-{application.pk}",
        )
        out.append((started, (time.perf_counter() - t0) * 1000))
        time.sleep(0.05)
    connection.close()
    return out


def _commit_all(office_id: int, ids: list[int]) -> None:
    from waibao.accounts.models import User
    from waibao.applications.models import Application
    from waibao.applications.services import application_transition

    office = User.objects.get(pk=office_id)
    for application in Application.objects.filter(pk__in=ids):
        application_transition(acting_user=office, application=application, action="final_approve")


def _check() -> dict[str, Any]:
    from waibao.audit.services import audit_verify
    from waibao.ledger.selectors import ledger_reconcile

    report = audit_verify()
    return {"audit_ok": report.ok, "audit_events": report.checked, "reconciled": not ledger_reconcile()}


def import_wait(pool: Any, info: dict[str, Any], rows: int) -> dict[str, Any]:
    [ids] = pool.apply(
        make_applications, (), {"tag": "import-pay", "processes": 1, "per_process": 3000, "status": "in_notice"}
    )
    pool.apply(_commit_all, (info["office"], ids))
    flag = Path(tempfile.mkdtemp(prefix="waibao-bench-flag-")) / "done"
    try:
        start_at = time.time() + 15.0  # both processes have loaded what they need by then
        payments = pool.apply_async(_pay_during, (info["finance"], ids, start_at, str(flag)))
        started, finished, seconds = pool.apply(_run_import, (info["office"], rows, start_at))
        flag.touch()
        paid = payments.get()
    finally:
        shutil.rmtree(flag.parent, ignore_errors=True)
    during = [ms for t, ms in paid if started <= t <= finished]
    return {
        "rows": rows,
        "import_seconds": seconds,
        "payments_during": len(during),
        "payment_max_ms": max((ms for _t, ms in paid), default=0.0),
        "payment_p50_ms": statistics.median(during) if during else 0.0,
    }


# --- report ------------------------------------------------------------------------------------------------


def _table(title: str, rows: list[dict[str, Any]], unit: str) -> None:
    base = rows[0]["per_second"] if rows and rows[0]["processes"] == 1 else None
    print(f"\n{title}")
    print(
        f"  {'processes':>9}  {unit + '/s':>16}  {'× 1 process':>11}  {'p50 ms':>8}  {'p95 ms':>8}"
        f"  {'waiting on a lock':>17}  {'CPU ms/op: client':>17}  {'server':>6}  {'of the machine':>14}"
    )
    for r in rows:
        ratio = f"{r['per_second'] / base:.2f}" if base else "—"
        print(
            f"  {r['processes']:>9}  {r['per_second']:>16.1f}  {ratio:>11}  {r['p50']:>8.1f}  {r['p95']:>8.1f}"
            f"  {r['lock_waits']:>16.0%}  {r['client_ms']:>17.1f}  {r['server_ms']:>6.1f}  {_machine_share(r):>14.0%}"
        )
    print("  what the busy database sessions were doing (sampled every 50 ms):")
    for r in rows:
        print(f"  {r['processes']:>9}  {r['waits']}")
    last = rows[-1]
    if base and last["processes"] > 1:
        ratio = last["per_second"] / base
        met = ratio >= SCALE_TARGET and last["p95"] < P95_TARGET_MS
        print(
            f"  {last['processes']} processes: {ratio:.2f}× the single-process rate (target ≥ {SCALE_TARGET:.0f}×),"
            f" p95 {last['p95']:.0f} ms (target < {P95_TARGET_MS:.0f} ms): {'MET' if met else 'MISSED'}"
        )
        one = rows[0]
        busy = (one["client_ms"] + one["server_ms"]) * one["per_second"] / 1000  # cores one process keeps busy
        print(
            f"  The machine's ceiling: one process keeps {busy:.2f} of a core busy (client and server CPU per operation"
            f" × operations/s), so {CORES} cores allow at most {CORES / busy:.2f}× its rate if sharing them cost"
            f" nothing; {last['processes']} processes used {_machine_share(last):.0%} of what their CPU per operation"
            f" allows ({CORES} × 1,000 ms ÷ client + server ms per operation)."
        )


CORES = os.cpu_count() or 1


def _machine_share(r: dict[str, Any]) -> float:
    """Operations/s as a share of the most the machine's cores allow at this CPU cost per operation."""
    cost = r["client_ms"] + r["server_ms"]
    return r["per_second"] * cost / (CORES * 1000) if cost else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["postgres"], default="postgres")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", default="1,2,4,8")
    parser.add_argument("--import-rows", type=int, default=50_000, help="0 skips the import measurement")
    parser.add_argument("--workloads", default="review,approve_pay")
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("WAIBAO_BENCH_PG_PORT", "54435")))
    parser.add_argument("--server", help="use this PostgreSQL server (postgres://…/postgres) instead of starting one")
    parser.add_argument("--explain", action="store_true", help="count one operation's statements and calls instead")
    parser.add_argument("--top", type=int, default=40, help="with --explain: how many functions to print")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    cluster = contextlib.nullcontext(args.server) if args.server else fsync_cluster(args.pg_port)
    with cluster as server:
        import psycopg

        name = "waibao_bench_writers"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{server.rsplit('/', 1)[0]}/{name}"
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager, ctx.Pool(max(counts) + 1, initializer=django_for, initargs=(url,)) as pool:
            info = pool.apply(prepare)
            print(
                f"Database: {info['server']} on {url.split('@')[-1]}, fsync={info['fsync']},"
                f" synchronous_commit={info['synchronous_commit']}; {args.seconds:.0f} s a run;"
                f" {os.cpu_count()} CPU cores shared by the clients and the server"
            )
            if args.explain:
                for kind in args.workloads.split(","):
                    status = "submitted" if kind == "review" else "in_notice"
                    [ids] = pool.apply(
                        make_applications, (), {"tag": f"x-{kind}", "processes": 1, "per_process": 30, "status": status}
                    )
                    print(pool.apply(_explain, (kind, info["office"], info["finance"], ids, args.top)))
                return
            titles = {
                "review": ("Review steps (start review, each process on its own applications)", "steps"),
                "approve_pay": (
                    "Final approval + payment (each process on its own budget line; one operation = both)",
                    "applications",
                ),
            }
            for kind in args.workloads.split(","):
                rows = [run_workload(pool, manager, info, kind, n, args.seconds) for n in counts]
                _table(titles[kind][0], rows, titles[kind][1])
            if args.import_rows:
                r = import_wait(pool, info, args.import_rows)
                print(
                    f"\nA payment while an import of {r['rows']:,} enterprises (one transaction) runs:"
                    f" import {r['import_seconds']:.1f} s; {r['payments_during']} payments during it,"
                    f" p50 {r['payment_p50_ms']:.0f} ms, slowest {r['payment_max_ms']:.0f} ms"
                )
            verdict = pool.apply(_check)
            print(
                f"\nAfter the runs: audit chain intact: {verdict['audit_ok']} ({verdict['audit_events']:,} events);"
                f" ledger reconciles: {verdict['reconciled']}"
            )


if __name__ == "__main__":
    main()
