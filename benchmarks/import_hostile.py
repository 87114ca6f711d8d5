"""Benchmark (issue 9 §1): peak memory of imports, hostile files refused cheaply, against openpyxl in the same run.

    .venv/bin/python benchmarks/import_hostile.py [--rows 100000] [--scale 1.0] [--files valid,ss-bomb,...]

Writes five files, then runs each twice, every run in its own fresh Python process (peak RSS is
`ru_maxrss`, which only grows, so each measurement needs its own process):
  1. baseline: openpyxl's read-only iteration of every row of the same file (values only), or, for the CSV,
     the csv module's iteration of it: the least any reader of the file can do;
  2. ours: the contract import as the platform runs it, through the job (`job_submit` → the worker function
     → `contracts_import`, as the programme office importing approved history), against a SQLite copy of
     a database with 2,000 enterprises and rates.
Both processes set up Django first, so the base (interpreter + Django) is the same on both sides; the table
shows the peak and the growth over that base. The files, after the issue's reproductions:
  valid       --rows valid contract rows (the 100,000-row import the limits are sized for)
  ss-bomb     2,000,000 shared strings in a ~80 KB .xlsx (~34 MB unzipped)
  ss-unique   2,000,000 different shared strings (compressing ~10 times: only their count gives them away)
  empty-rows  2,000,000 empty rows in a ~5 MB .xlsx
  bad-csv     200,000 bad rows in a ~18 MB CSV
  high-ratio  an .xlsx of identical rows that compresses ~1000 times (~0.3 MB, ~300 MB unzipped)
Targets: every hostile file refused in under 2 s of CPU; memory bounded (ours ≤ the baseline's peak on hostile
files). `--scale` shrinks the hostile files (e.g. 0.1 for a quick check).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from tests.hostile_files import batched, inline_cell, write_xlsx  # noqa: E402 - the generators the tests use too

COLUMNS = [
    "credit_code",
    "contract_no",
    "client_name",
    "client_country",
    "category",
    "currency",
    "amount",
    "signed_date",
]


def _inline(value: str) -> str:
    return inline_cell(value)


HEADER_ROW = "<row>" + "".join(_inline(c) for c in COLUMNS) + "</row>"


def _hand_made_xlsx(path: Path, *, sheet_rows: Any, shared: Any = ()) -> None:
    """An .xlsx written part by part (streamed into the zip), as hostile as the caller makes it."""
    write_xlsx(path, sheet_rows=sheet_rows, shared=shared, sheet_name="contracts", compresslevel=9)


def make_files(folder: Path, *, rows: int, scale: float, codes: list[str], leaves: list[str]) -> dict[str, Path]:
    from openpyxl import Workbook

    rng = random.Random(2007)
    files: dict[str, Path] = {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("contracts")
    sheet.append(COLUMNS)
    start = date(2005, 1, 1)
    for i in range(rows):
        sheet.append(
            [
                codes[i % len(codes)],
                f"HT-{i:07d}",
                f"Client {i % 997}",
                rng.choice(["US", "JP", "HK", "DE", "GB", "CN"]),
                rng.choice(leaves),
                rng.choice(["USD", "USD", "JPY", "EUR", "CNY"]),
                round(rng.uniform(1000, 2_000_000), 2),
                datetime.combine(start + timedelta(days=rng.randrange(3 * 365)), datetime.min.time()),
            ]
        )
    files["valid"] = folder / "valid.xlsx"
    workbook.save(files["valid"])

    strings = int(2_000_000 * scale)
    files["ss-bomb"] = folder / "ss-bomb.xlsx"
    _hand_made_xlsx(
        files["ss-bomb"],
        sheet_rows=[HEADER_ROW, '<row><c t="s"><v>0</v></c></row>'],
        shared=batched("<si><t>x</t></si>", strings),
    )

    files["ss-unique"] = folder / "ss-unique.xlsx"  # unique strings compress less: the count limit refuses it
    _hand_made_xlsx(
        files["ss-unique"],
        sheet_rows=[HEADER_ROW, '<row><c t="s"><v>0</v></c></row>'],
        shared=(f"<si><t>{n:07d}</t></si>" for n in range(strings)),
    )

    empty = int(2_000_000 * scale)
    files["empty-rows"] = folder / "empty-rows.xlsx"
    _hand_made_xlsx(
        files["empty-rows"],
        sheet_rows=[HEADER_ROW, *(f'<row r="{n}"/>' for n in range(2, empty + 2))],
    )

    bad = int(200_000 * scale)
    files["bad-csv"] = folder / "bad-rows.csv"
    with files["bad-csv"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(bad):  # three errors a row: unknown enterprise, unknown category, impossible date
            writer.writerow(
                [f"BAD{i:015d}", f"HT-{i:07d}", "A client", "US", "no-such-category", "USD", "12.5", "2007-13-45"]
            )

    identical = int(140_000 * scale)  # under the row limit: only the compression ratio gives it away
    row = (
        "<row>" + "".join(_inline(v) for v in (codes[0], "HT-1", "Client", "US", leaves[0], "USD", "1", "x")) + "</row>"
    )
    files["high-ratio"] = folder / "high-ratio.xlsx"
    _hand_made_xlsx(files["high-ratio"], sheet_rows=[HEADER_ROW, *batched(row * 20, identical // 20, 500)])
    return files


def child(mode: str, path: Path) -> None:
    """One measurement, in its own process: prints one JSON line."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    base = _reset_peak()
    outcome: dict[str, Any] = {}
    cpu, wall = time.process_time(), time.perf_counter()
    if mode == "baseline":
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            outcome["rows"] = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
            book.close()
        else:
            with path.open(encoding="utf-8", newline="") as handle:
                outcome["rows"] = sum(1 for _row in csv.reader(handle))
    else:
        from django.utils import translation

        from waibao.accounts.models import User
        from waibao.jobs.services import job_run, job_submit

        with override_tasks(), translation.override("en"), path.open("rb") as upload:
            job = job_submit(
                acting_user=User.objects.get(username="bench-office"),
                kind="statistics.contracts_import",
                upload=upload,
                filename=path.name,
                options={"approve": True},
            )
        job_run(job.pk)
        job.refresh_from_db()
        outcome.update(status=job.status, rows=job.rows_read, errors=job.error_count, message=job.message[:110])
    outcome.update(
        cpu=time.process_time() - cpu,
        wall=time.perf_counter() - wall,
        base_kb=base,
        peak_kb=_status_kb("VmHWM"),
        maxrss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )
    print(json.dumps(outcome, ensure_ascii=False))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> int:
    """Start the peak (VmHWM, what ru_maxrss reports) again from the current RSS, after Django's setup.

    Setting up Django passes through a higher transient peak than either side's work would reach, and
    ru_maxrss never goes down; Linux resets the high-water mark when 5 is written to clear_refs.
    """
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS")


def override_tasks() -> Any:
    """Queue without running, so the worker function's cost is measured apart from submitting."""
    from django.test import override_settings

    return override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def measure(mode: str, path: Path, database: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode} {path.name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the hostile files against the issue's")
    parser.add_argument("--files", default="", help="only these files, e.g. valid,ss-bomb (default: all)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from benchmarks._django import setup_django

    workdir = setup_django()
    try:
        from django.conf import settings
        from django.db import connection

        from waibao.accounts.models import Role, User
        from waibao.registry.dataset import load_registry_dataset
        from waibao.registry.models import Enterprise, ServiceCategory, Zone
        from waibao.statistics.models import ExchangeRate

        load_registry_dataset(Path(settings.WAIBAO_DEFAULT_DATASET))
        zones = list(Zone.objects.all())
        Enterprise.objects.bulk_create(
            Enterprise(credit_code=f"BENCH{i:013d}", name_zh=f"企业{i}", zone=zones[i % len(zones)])
            for i in range(2000)
        )
        for currency, rate in (("USD", "7.8087"), ("JPY", "0.06563"), ("EUR", "10.2665")):
            ExchangeRate.objects.create(currency=currency, date=date(2004, 12, 31), cny_per_unit=rate)
        User.objects.create_user(username="bench-office", role=Role.PROGRAMME_OFFICE)
        codes = list(Enterprise.objects.values_list("credit_code", flat=True))
        leaves = list(ServiceCategory.objects.filter(parent__isnull=False).values_list("code", flat=True))
        database = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        files = make_files(workdir, rows=args.rows, scale=args.scale, codes=codes, leaves=leaves)
        print(f"database: SQLite (a throwaway file, 2,000 enterprises); limits: {settings.IMPORT_MAX_ROWS:,} rows, "
              f"{settings.IMPORT_MAX_ERRORS} errors, ratio {settings.IMPORT_XLSX_MAX_RATIO}, "
              f"{settings.IMPORT_XLSX_MAX_SHARED_STRINGS:,} shared strings")  # fmt: skip
        header = (
            f"{'file':<11} {'size':>8}  {'baseline peak/growth MB':>24} {'CPU s':>7}  "
            f"{'ours peak/growth MB':>20} {'CPU s':>7}  {'RSS ratio':>9}  outcome"
        )
        print(header)
        print("-" * len(header))
        failures = []
        wanted = {n.strip() for n in args.files.split(",") if n.strip()}
        for name, path in files.items():
            if wanted and name not in wanted:
                continue
            baseline = measure("baseline", path, database)
            run_db = workdir / f"run-{name}.sqlite3"
            shutil.copy(database, run_db)
            ours = measure("ours", path, run_db)
            run_db.unlink()
            ratio = ours["peak_kb"] / baseline["peak_kb"]
            hostile = name != "valid"
            refused = ours["status"] == "failed"
            if hostile and (not refused or ours["cpu"] >= 2.0):
                failures.append(name)
            if not hostile and ours["status"] != "succeeded":
                failures.append(name)
            print(
                f"{name:<11} {path.stat().st_size / 1e6:>6.2f}MB  "
                f"{baseline['peak_kb'] / 1024:>14.0f} / {(baseline['peak_kb'] - baseline['base_kb']) / 1024:>6.0f} "
                f"{baseline['cpu']:>8.2f}  "
                f"{ours['peak_kb'] / 1024:>10.0f} / {(ours['peak_kb'] - ours['base_kb']) / 1024:>6.0f} "
                f"{ours['cpu']:>8.2f}  "
                f"{ratio:>9.2f}  {ours['status']}: {ours['message']}"
            )
        print("baseline = openpyxl read-only iteration of the same file (csv.reader for the CSV), in its own process;")
        print("ours = the contract import through the job's worker function; RSS ratio = ours peak / baseline peak.")
        print(
            "target: every hostile file refused in under 2 s CPU: "
            + ("met" if not failures else f"NOT met for {', '.join(failures)}")
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
