"""Reading the environment: the one place settings learn about the machine they run on."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def database_config(default_sqlite_path: Path) -> dict[str, Any]:
    """PostgreSQL when DATABASE_URL names it; otherwise SQLite in WAL mode with IMMEDIATE transactions.

    IMMEDIATE makes every transaction take the write lock when it begins, so two writers queue on
    `timeout` instead of one failing with "database is locked" when it upgrades a read lock.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = sqlite_options()
        return config
    private_sqlite_file(default_sqlite_path)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite_path),
        "OPTIONS": sqlite_options(),
    }


def private_sqlite_file(path: Path) -> None:
    """Create the data folder (0700) and the database file (0600) before SQLite does, so neither is world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def sqlite_options() -> dict[str, Any]:
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA cache_size=-64000;"
            "PRAGMA temp_store=MEMORY;"
        ),
    }


def cache_config(default_folder: Path) -> dict[str, Any]:
    """The default cache from CACHE_URL: Redis (`redis://`, `rediss://`, `unix://`) through Django's own backend,
    `file:///path`, or `locmem://` (one process only). Unset: files under `default_folder`, shared by every
    worker process on the machine, so `make run` needs nothing installed and invalidation reaches all workers.
    """
    url = os.environ.get("CACHE_URL", "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url.removeprefix("locmem://")}
    if url and not url.startswith("file://"):
        raise ValueError("CACHE_URL must start with redis://, rediss://, unix://, file:// or locmem://")
    folder = Path(url.removeprefix("file://")) if url else default_folder
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(folder),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
