"""The databases a benchmark runs on: a throwaway SQLite file, and PostgreSQL with fsync on.

Every benchmark that touches the database takes `--database sqlite|postgres|both` (default both) and
`--postgres-url URL` (a server to create a throwaway database on; default `$WAIBAO_BENCH_POSTGRES_URL`, else
the benchmark cluster `scripts/test-postgres.sh start --bench` starts: fsync and synchronous_commit on, as in
production, unlike the test cluster). With `both`, the script runs itself once per database in a fresh
process (Django is set up once per process) and each run says which database it measured and whether fsync
was on.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("WAIBAO_BENCH_POSTGRES_URL", ""),
        help="PostgreSQL server to create the throwaway database on (default: the fsync-on benchmark cluster)",
    )


def run_per_database(args: argparse.Namespace) -> bool:
    """With `--database both`, run this script again once per database and return True (the caller stops)."""
    if args.database != "both":
        return False
    argv = list(sys.argv[1:])
    status = 0
    for database in ("sqlite", "postgres"):
        print(f"\n######## {database} ########", flush=True)
        status |= subprocess.call([sys.executable, sys.argv[0], *argv, "--database", database])
    raise SystemExit(status)


def bench_server_url() -> str:
    """The benchmark cluster's server URL, starting it if needed (fsync on)."""
    env = {**os.environ}
    subprocess.run([str(ROOT / "scripts" / "test-postgres.sh"), "start", "--bench"], check=True, env=env)
    line = (ROOT / "var" / "bench-postgres" / "env").read_text().strip()
    return line.split("=", 1)[1]


@contextmanager
def throwaway_database(args: argparse.Namespace, name: str) -> Iterator[str]:
    """A fresh, empty database URL for this run (removed afterwards: the SQLite folder, the PostgreSQL database)."""
    if args.database == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="waibao-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the database file goes with its folder
        return
    import psycopg

    server = args.postgres_url or bench_server_url()
    database = f"waibao_bench_{name}_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"{server.rsplit('/', 1)[0]}/{database}"
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def describe_database() -> str:
    """Which database Django is connected to, and (PostgreSQL) whether fsync and synchronous_commit are on."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(cursor.fetchone()[0], "?")
        import sqlite3

        return f"database: SQLite {sqlite3.sqlite_version} (journal={journal}, synchronous={synchronous})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW fsync")
        fsync = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
    where = f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}"
    return f"database: PostgreSQL {version} at {where} (fsync={fsync}, synchronous_commit={sync})"
