"""Set up Django for a benchmark against a throwaway SQLite database (never the developer's var/ database)."""

from __future__ import annotations

import atexit
import os
import shutil
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
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    remove_settings_folders_on_exit()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def remove_settings_folders_on_exit() -> None:
    """The test settings make throwaway folders (media, static, cache) when imported: remove them at exit."""
    from django.conf import settings

    temp = Path(tempfile.gettempdir())
    locations = [settings.MEDIA_ROOT, settings.STATIC_ROOT]
    locations += [c.get("LOCATION", "") for c in settings.CACHES.values() if "FileBased" in c["BACKEND"]]
    for location in locations:
        path = Path(location)
        if path.parent == temp and path.name.startswith("waibao-test-"):
            atexit.register(shutil.rmtree, path, ignore_errors=True)
