"""Add N approved execution records (and one contract per 20) to the demo city in bulk, then rebuild the rollups.

    python benchmarks/_bulk_records.py N      (DJANGO_SETTINGS_MODULE and DATABASE_URL from the environment)

Used by `load_pages.py --records N`: record-by-record approval of a million records would take hours and
measures nothing the load benchmark is about. The records belong to the existing enterprises, dated
2005–2009, in USD at one flat rate; the rollups are rebuilt from them with `rollup.rebuild()`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def add_records(n_exec: int, *, seed: int = 2007) -> None:
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from waibao.registry.models import Enterprise, ServiceCategory
    from waibao.statistics.rollup import rebuild

    rng = np.random.default_rng(seed)
    enterprises = list(Enterprise.objects.values_list("id", "zone__code", "ownership_type__code").order_by("id"))
    leaves = list(ServiceCategory.objects.filter(parent__isnull=False).values_list("code", "top_level"))
    countries = np.array(["US", "JP", "JP", "HK", "DE", "GB", "KR", "SG", "TW", "CN", "CN", "CN"])
    n_con = max(1000, n_exec // 20)
    now = timezone.now()
    c_ent = rng.integers(0, len(enterprises), n_con)
    c_leaf = (c_ent * 7 + rng.integers(0, 2, n_con)) % len(leaves)
    c_country = countries[rng.integers(0, len(countries), n_con)]
    c_day = rng.integers(0, 5 * 365, n_con)
    c_usd = rng.integers(10_000, 2_000_000, n_con)
    base = np.datetime64("2005-01-01")
    c_dates = (base + c_day.astype("timedelta64[D]")).astype(str)
    rate = 8
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM statistics_contract")
        first_contract = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM statistics_execution")
        first_execution = cursor.fetchone()[0] + 1
        rows = []
        for i in range(n_con):
            ent_id, zone, owner = enterprises[c_ent[i]]
            code, top = leaves[c_leaf[i]]
            rows.append(
                (first_contract + i, now, now, ent_id, f"BULK{i}", str(c_country[i]), code, int(c_usd[i]),
                 c_dates[i], rate, rate, int(c_usd[i]) * rate, int(c_usd[i]), zone or "", owner or "", code, top,
                 str(c_country[i]), c_country[i] != "CN")
            )  # fmt: skip
        cursor.executemany(
            "INSERT INTO statistics_contract (id, created_at, updated_at, status, return_reason, enterprise_id,"
            " contract_no, client_name, client_country, category_id, client_industry, currency, amount, signed_date,"
            " cny_rate, usd_rate, amount_cny, amount_usd, k_zone, k_ownership, k_category, k_top_level, k_country,"
            " k_offshore, k_set) VALUES (%s,%s,%s,'approved','',%s,%s,'Client',%s,%s,'','USD',%s,%s,%s,%s,%s,%s,"
            "%s,%s,%s,%s,%s,%s,true)",
            rows,
        )
        e_con = rng.integers(0, n_con, n_exec)
        e_day = c_day[e_con] + rng.integers(0, 365, n_exec)
        e_date = (base + e_day.astype("timedelta64[D]")).astype(str)
        e_cents = rng.integers(100_00, 50_000_00, n_exec)
        chunk = 100_000
        for start in range(0, n_exec, chunk):
            stop = min(n_exec, start + chunk)
            cursor.executemany(
                "INSERT INTO statistics_execution (id, created_at, updated_at, status, return_reason, contract_id,"
                " enterprise_id, date, currency, amount, receipt_ref, over_reason, cny_rate, usd_rate, amount_cny,"
                " amount_usd) VALUES (%s,%s,%s,'approved','',%s,%s,%s,'USD',%s,'','',%s,%s,%s,%s)",
                [
                    (first_execution + i, now, now, first_contract + int(e_con[i]),
                     enterprises[c_ent[e_con[i]]][0], e_date[i], f"{e_cents[i] // 100}.{e_cents[i] % 100:02d}",
                     rate, rate, f"{e_cents[i] * rate // 100}.{e_cents[i] * rate % 100:02d}",
                     f"{e_cents[i] // 100}.{e_cents[i] % 100:02d}")
                    for i in range(start, stop)
                ],
            )  # fmt: skip
            print(f"\r  inserted {stop:,} execution records", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    started = time.perf_counter()
    rows_built = rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  rollups rebuilt ({rows_built:,} detailed rows) in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def main() -> None:
    import django

    django.setup()
    add_records(int(sys.argv[1]))


if __name__ == "__main__":
    main()
