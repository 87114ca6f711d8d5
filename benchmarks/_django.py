"""Set up Django for a benchmark against a throwaway SQLite database (never the developer's var/ database)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, database_url: str | None = None) -> Path:
    """Point Django at a fresh database (SQLite in a temp folder unless `database_url`), migrate it."""
    for path in (ROOT / "src", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    workdir = Path(tempfile.mkdtemp(prefix="waibao-bench-"))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir
