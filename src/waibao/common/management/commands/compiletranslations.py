"""`waibao compiletranslations`: compile every .po catalogue to .mo with polib (no gettext needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "src" / "waibao", Path(settings.BASE_DIR) / "locale"]
    found: list[Path] = []
    for root in roots:
        if root.exists():
            found.extend(sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")))
            found.extend(sorted(root.glob("*/LC_MESSAGES/*.po")))
    return sorted(set(found))


class Command(BaseCommand):
    help = "Compile translation catalogues (.po → .mo) using polib."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
