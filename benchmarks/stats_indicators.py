"""Benchmark (a): the zone × month indicators for one year, our rollup path against DuckDB with the data in memory.

    .venv/bin/python benchmarks/stats_indicators.py [--rows 1000000] [--enterprises 2000] [--repeat 7]

Runs on SQLite only (it builds its data with SQLite's own driver).
Builds a throwaway SQLite database with `--rows` approved execution records (and one contract per
20 executions) spread over 2005–2009, writes the same records (joined to their contract and enterprise)
to Parquet and loads them into DuckDB's memory, and answers the question both ways: contract and executed
amounts, USD and CNY, total and offshore, by zone × month for 2007. "Ours" is
`waibao.statistics.selectors.indicators(by="zone,month")`, the same code the dashboard, the API and
`waibao stats indicators` run (it reads the summary rollup). It also times country × month (summary rollup)
and ownership × month (the ownership rollup). The ratio is against DuckDB over the same
records in memory, both sides warm (the median of `--repeat` runs after one warm-up); DuckDB reading the
Parquet files each time is printed beside it for information.

Setup note: the records are generated with numpy and inserted in bulk, and the rollup is built once with
one SQL INSERT … SELECT … GROUP BY (record-by-record approval of 10M rows would take hours and measures
nothing this benchmark is about). With --check the rollup is compared with the service's recomputation.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="execution records (default 200,000)")
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each side (median reported)")
    parser.add_argument("--year", type=int, default=2007)
    parser.add_argument("--seed", type=int, default=2007)
    parser.add_argument("--check", action="store_true", help="also compare the rollup with a recomputation")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from _django import remove_settings_folders_on_exit

    remove_settings_folders_on_exit()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    from waibao.registry.dataset import load_registry_dataset

    load_registry_dataset(Path(settings.WAIBAO_DEFAULT_DATASET))


def generate(args: argparse.Namespace, db_path: Path, folder: Path) -> dict[str, Any]:
    """Insert enterprises, contracts and executions; write the same data to Parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from waibao.registry.models import OwnershipType, ServiceCategory, Zone

    rng = np.random.default_rng(args.seed)
    zones = ["", *Zone.objects.values_list("code", flat=True)]
    owners = ["", *OwnershipType.objects.filter(parent__isnull=False).values_list("code", flat=True)]
    leaves = list(ServiceCategory.objects.filter(parent__isnull=False).values_list("code", "top_level"))
    countries = np.array(["US", "JP", "JP", "HK", "DE", "GB", "KR", "SG", "TW", "CN", "CN", "CN"])
    n_ent, n_exec = args.enterprises, args.rows
    n_con = max(1000, n_exec // 20)
    zone_ids = {code: i for i, code in enumerate(zones)}
    ent_zone = rng.integers(0, len(zones), n_ent)
    ent_owner = rng.integers(0, len(owners), n_ent)
    now = datetime.now().isoformat(sep=" ")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    zone_pk = dict(conn.execute("SELECT code, id FROM registry_zone"))
    conn.executemany(
        "INSERT INTO registry_enterprise (id, created_at, updated_at, credit_code, name_zh, name_en,"
        " registered_capital_cny, ownership_type_id, zone_id, offshore_focused, is_headquarters, employees, address,"
        " contact_name, contact_phone, contact_email, status, status_reason, org_code_warning,"
        " org_code_warning_overridden) VALUES (?,?,?,?,?,'',0,?,?,0,0,0,'','','','','verified','',0,0)",
        [
            (i + 1, now, now, f"BENCH{i:013d}", f"企业{i}", owners[ent_owner[i]] or None,
             zone_pk.get(zones[ent_zone[i]]))
            for i in range(n_ent)
        ],
    )  # fmt: skip
    # Money columns hold integer fen (common.models.MoneyField): amounts are written as fen here.
    # Contracts: an enterprise works in one or two categories; dates 2005–2009.
    c_ent = rng.integers(0, n_ent, n_con)
    c_leaf = (c_ent * 7 + rng.integers(0, 2, n_con)) % len(leaves)
    c_country = countries[rng.integers(0, len(countries), n_con)]
    c_day = rng.integers(0, 5 * 365, n_con)
    c_usd = rng.integers(10_000, 2_000_000, n_con)
    base = np.datetime64("2005-01-01")
    c_date = base + c_day.astype("timedelta64[D]")
    rate = 8  # one flat rate: conversions are not what is measured here
    c_dates = c_date.astype(str)
    conn.executemany(
        "INSERT INTO statistics_contract (id, created_at, updated_at, status, return_reason, enterprise_id,"
        " contract_no, client_name, client_country, category_id, client_industry, currency, amount, signed_date,"
        " cny_rate, usd_rate, amount_cny, amount_usd, k_zone, k_ownership, k_category, k_top_level, k_country,"
        " k_offshore, k_set) VALUES (?,?,?,'approved','',?,?,'Client',?,?,'','USD',?,?,?,?,?,?,?,?,?,?,?,?,1)",
        (
            (i + 1, now, now, int(c_ent[i]) + 1, f"B{i}", str(c_country[i]), leaves[c_leaf[i]][0],
             int(c_usd[i]) * 100, c_dates[i], rate, rate, int(c_usd[i]) * rate * 100, int(c_usd[i]) * 100,
             zones[ent_zone[c_ent[i]]],
             owners[ent_owner[c_ent[i]]], leaves[c_leaf[i]][0], leaves[c_leaf[i]][1], str(c_country[i]),
             int(c_country[i] != "CN"))
            for i in range(n_con)
        ),
    )  # fmt: skip
    # Executions: under a random contract, within a year after it was signed; amounts in whole cents.
    e_con = rng.integers(0, n_con, n_exec)
    e_day = c_day[e_con] + rng.integers(0, 365, n_exec)
    e_date = (base + e_day.astype("timedelta64[D]")).astype(str)
    e_cents = rng.integers(100_00, 50_000_00, n_exec)
    chunk = 200_000
    for start in range(0, n_exec, chunk):
        stop = min(n_exec, start + chunk)
        conn.executemany(
            "INSERT INTO statistics_execution (id, created_at, updated_at, status, return_reason, contract_id,"
            " enterprise_id, date, currency, amount, receipt_ref, over_reason, cny_rate, usd_rate, amount_cny,"
            " amount_usd) VALUES (?,?,?,'approved','',?,?,?,'USD',?,'','',?,?,?,?)",
            (
                (i + 1, now, now, int(e_con[i]) + 1, int(c_ent[e_con[i]]) + 1, e_date[i],
                 int(e_cents[i]), rate, rate, int(e_cents[i]) * rate, int(e_cents[i]))
                for i in range(start, stop)
            ),
        )  # fmt: skip
        print(f"\r  inserted {stop:,} execution records", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    conn.commit()
    conn.close()
    # The same data for DuckDB: each record with its contract's and enterprise's dimensions.
    dec = pa.decimal128(20, 2)
    c_zone = np.array(zones, dtype=object)[ent_zone[c_ent]]
    c_owner = np.array(owners, dtype=object)[ent_owner[c_ent]]
    c_offshore = c_country != "CN"
    c_top = np.array([t for _c, t in leaves], dtype=object)[c_leaf]
    contracts = pa.table(
        {
            "signed_date": pa.array(c_date.astype("datetime64[D]")),
            "zone": pa.array(c_zone, pa.string()),
            "top_level": pa.array(c_top, pa.string()),
            "country": pa.array(c_country.astype(object), pa.string()),
            "ownership": pa.array(c_owner, pa.string()),
            "offshore": pa.array(c_offshore),
            "amount_usd": pa.array([Decimal(int(v)) for v in c_usd], dec),
            "amount_cny": pa.array([Decimal(int(v) * rate) for v in c_usd], dec),
        }
    )
    pq.write_table(contracts, folder / "contracts.parquet")
    executions = pa.table(
        {
            "date": pa.array((base + e_day.astype("timedelta64[D]")).astype("datetime64[D]")),
            "zone": pa.array(c_zone[e_con], pa.string()),
            "top_level": pa.array(c_top[e_con], pa.string()),
            "country": pa.array(c_country[e_con].astype(object), pa.string()),
            "ownership": pa.array(c_owner[e_con], pa.string()),
            "offshore": pa.array(c_offshore[e_con]),
            "amount_usd": _cents_to_units(pa.array(e_cents)),
            "amount_cny": _cents_to_units(pa.array(e_cents * rate)),
        }
    )
    pq.write_table(executions, folder / "executions.parquet")
    return {"contracts": n_con, "executions": n_exec, "zone_ids": zone_ids}


def _cents_to_units(column: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    """Whole cents (int64) → exact decimal(20, 2) units."""
    scaled = pc.divide(pc.cast(column, pa.decimal128(22, 2)), pa.scalar(100, pa.decimal128(5, 0)))
    return scaled.cast(pa.decimal128(20, 2))


ROLLUP_SQL = """
INSERT INTO statistics_indicatorrollup (year, month, enterprise_id, zone, top_level, category, country, ownership,
    offshore, contract_count, contract_amount_cny, contract_amount_usd, execution_count, executed_amount_cny,
    executed_amount_usd)
SELECT y, m, enterprise_id, k_zone, k_top_level, k_category, k_country, k_ownership, k_offshore,
       SUM(cn), SUM(ccny), SUM(cusd), SUM(en), SUM(ecny), SUM(eusd)
FROM (
    SELECT CAST(strftime('%Y', signed_date) AS INTEGER) y, CAST(strftime('%m', signed_date) AS INTEGER) m,
           enterprise_id, k_zone, k_top_level, k_category, k_country, k_ownership, k_offshore,
           COUNT(*) cn, SUM(amount_cny) ccny, SUM(amount_usd) cusd, 0 en, 0 ecny, 0 eusd
    FROM statistics_contract WHERE status = 'approved' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    UNION ALL
    SELECT CAST(strftime('%Y', e.date) AS INTEGER), CAST(strftime('%m', e.date) AS INTEGER),
           c.enterprise_id, c.k_zone, c.k_top_level, c.k_category, c.k_country, c.k_ownership, c.k_offshore,
           0, 0, 0, COUNT(*), SUM(e.amount_cny), SUM(e.amount_usd)
    FROM statistics_execution e JOIN statistics_contract c ON c.id = e.contract_id
    WHERE e.status = 'approved' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
"""

ZONE_ROLLUP_SQL = """
INSERT INTO statistics_summaryrollup (year, month, zone, top_level, country, offshore, contract_count,
    contract_amount_cny, contract_amount_usd, execution_count, executed_amount_cny, executed_amount_usd)
SELECT year, month, zone, top_level, country, offshore, SUM(contract_count), SUM(contract_amount_cny),
       SUM(contract_amount_usd), SUM(execution_count), SUM(executed_amount_cny), SUM(executed_amount_usd)
FROM statistics_indicatorrollup GROUP BY 1, 2, 3, 4, 5, 6
"""

OWNERSHIP_ROLLUP_SQL = """
INSERT INTO statistics_ownershiprollup (year, month, ownership, offshore, contract_count, contract_amount_cny,
    contract_amount_usd, execution_count, executed_amount_cny, executed_amount_usd)
SELECT year, month, ownership, offshore, SUM(contract_count), SUM(contract_amount_cny), SUM(contract_amount_usd),
       SUM(execution_count), SUM(executed_amount_cny), SUM(executed_amount_usd)
FROM statistics_indicatorrollup GROUP BY 1, 2, 3, 4
"""

DUCKDB_SQL = """
WITH c AS (
    SELECT {dim} AS zone, month(signed_date) AS m, count(*) AS contract_count,
           sum(amount_usd) AS contract_amount_usd,
           coalesce(sum(amount_usd) FILTER (WHERE offshore), 0) AS contract_amount_offshore_usd,
           sum(amount_cny) AS contract_amount_cny,
           coalesce(sum(amount_cny) FILTER (WHERE offshore), 0) AS contract_amount_offshore_cny
    FROM {contracts} WHERE signed_date BETWEEN $start AND $end GROUP BY ALL
), e AS (
    SELECT {dim} AS zone, month(date) AS m,
           sum(amount_usd) AS executed_amount_usd,
           coalesce(sum(amount_usd) FILTER (WHERE offshore), 0) AS executed_amount_offshore_usd,
           sum(amount_cny) AS executed_amount_cny,
           coalesce(sum(amount_cny) FILTER (WHERE offshore), 0) AS executed_amount_offshore_cny
    FROM {executions} WHERE date BETWEEN $start AND $end GROUP BY ALL
)
SELECT coalesce(c.zone, e.zone) AS zone, coalesce(c.m, e.m) AS m, coalesce(c.contract_count, 0),
       c.contract_amount_usd, c.contract_amount_offshore_usd, e.executed_amount_usd, e.executed_amount_offshore_usd,
       c.contract_amount_cny, c.contract_amount_offshore_cny, e.executed_amount_cny, e.executed_amount_offshore_cny
FROM c FULL OUTER JOIN e ON c.zone = e.zone AND c.m = e.m
"""


def median_seconds(fn: Any, repeat: int) -> tuple[float, Any]:
    result = fn()  # warm-up (and the value compared below)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="waibao-bench-stats-"))
    try:
        t0 = time.perf_counter()
        setup_django(folder)
        info = generate(args, folder / "bench.sqlite3", folder)
        t1 = time.perf_counter()
        from django.db import connection, transaction

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ROLLUP_SQL)
            cursor.execute(ZONE_ROLLUP_SQL)
            cursor.execute(OWNERSHIP_ROLLUP_SQL)
            cursor.execute("ANALYZE")
        from waibao.statistics.models import IndicatorRollup, OwnershipRollup, SummaryRollup

        rollup_rows = (
            f"{IndicatorRollup.objects.count():,} detailed + {SummaryRollup.objects.count():,} summary + "
            f"{OwnershipRollup.objects.count():,} ownership"
        )
        t2 = time.perf_counter()
        print(f"setup: {info['executions']:,} executions, {info['contracts']:,} contracts, "
              f"{args.enterprises:,} enterprises in {t1 - t0:.1f}s; rollup built in bulk (SQL) in {t2 - t1:.1f}s: "
              f"{rollup_rows} rows")  # fmt: skip
        if args.check:
            from waibao.statistics.rollup import differences

            problems = differences()
            print(f"rollup check: {'equal to a recomputation' if not problems else f'{len(problems)} differences'}")
        import duckdb

        from waibao.statistics.selectors import IndicatorFilters, indicators

        start, end = date(args.year, 1, 1), date(args.year, 12, 31)

        # DuckDB answers from the same records loaded into its own memory (warm, as our rollup is warm in
        # SQLite's page cache), and, for information, straight from the Parquet files.
        duck = duckdb.connect()
        files = {"contracts": str(folder / "contracts.parquet"), "executions": str(folder / "executions.parquet")}
        duck.execute("CREATE TABLE contracts AS SELECT * FROM read_parquet($f)", {"f": files["contracts"]})
        duck.execute("CREATE TABLE executions AS SELECT * FROM read_parquet($f)", {"f": files["executions"]})
        params = {"start": start, "end": end}
        from waibao.statistics.selectors import parse_by, rollup_table

        for dimension in ("zone", "country", "ownership"):
            by = f"{dimension},month"

            def ours(by: str = by) -> dict[str, Decimal]:
                rows = indicators(date_from=start, date_to=end, by=by)
                return {r.key: r.sums["executed_amount_usd"] for r in rows}

            def theirs(sql: str) -> dict[str, Decimal]:
                rows = duck.execute(sql, params).fetchall()
                return {f"{r[0]}|{args.year}-{r[1]:02d}": (r[5] or Decimal(0)) for r in rows}

            memory_sql = DUCKDB_SQL.format(dim=dimension, contracts="contracts", executions="executions")
            parquet_sql = DUCKDB_SQL.format(
                dim=dimension,
                contracts=f"read_parquet('{files['contracts']}')",
                executions=f"read_parquet('{files['executions']}')",
            )
            ours_s, ours_result = median_seconds(ours, args.repeat)
            duck_s, duck_result = median_seconds(lambda sql=memory_sql: theirs(sql), args.repeat)
            parquet_s, _parquet_result = median_seconds(lambda sql=parquet_sql: theirs(sql), args.repeat)
            keys = set(ours_result) | set(duck_result)
            worst = max((abs(ours_result.get(k, Decimal(0)) - duck_result.get(k, Decimal(0))) for k in keys), default=0)
            table = rollup_table(parse_by(by), IndicatorFilters()).__name__
            target = {"zone": " (the benchmark's question)", "country": "", "ownership": ""}[dimension]
            print(f"question: {dimension} × month indicators for {args.year}{target}, {len(ours_result)} groups")
            print(f"  ours ({table}, Django ORM, SQLite): median {ours_s * 1000:.1f} ms over {args.repeat} runs")
            print(f"  DuckDB {duckdb.__version__}, tables in memory (warm): median {duck_s * 1000:.1f} ms")
            print(f"  DuckDB over the Parquet files (for information): median {parquet_s * 1000:.1f} ms")
            verdict = "met" if ours_s <= duck_s else "NOT met"
            print(f"  ratio ours / DuckDB in memory: {ours_s / duck_s:.2f} (target ≤ 1.00: {verdict})")
            print(f"  results agree: largest difference in executed USD per group {worst}")
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
