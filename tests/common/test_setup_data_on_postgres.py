"""`make setup-data` (what `make run` does before serving) loads the demo city on PostgreSQL (issue 16).

The statistics review steps failed on PostgreSQL (FOR UPDATE on an outer join), so the demo could not load
there. This runs the Makefile's own target, at a small enterprise count, against a fresh database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.slow
def test_make_setup_data_loads_the_demo_city_on_postgres(postgres_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": postgres_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "setup-data",
            "DEMO_ENTERPRISES=40",
            f"WAIBAO={Path(sys.executable).parent}/waibao",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    with psycopg.connect(postgres_url) as db:

        def count(sql: str) -> int:
            row = db.execute(sql).fetchone()
            assert row is not None
            return int(row[0])

        assert count("SELECT count(*) FROM registry_enterprise") >= 40
        assert count("SELECT count(*) FROM statistics_contract WHERE status = 'approved'") > 0
        assert count("SELECT count(*) FROM statistics_summaryrollup") > 0
        assert count("SELECT count(*) FROM applications_application") > 0
        assert count("SELECT count(*) FROM ledger_ledgerentry") > 0
        assert count("SELECT count(*) FROM accounts_user") > 0
    assert "demo" in result.stdout.lower()
