"""Password rules beyond Django's: a local list of breached passwords (no network is consulted)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BUNDLED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt"


@functools.lru_cache(maxsize=4)
def _entries(path: str) -> frozenset[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


class LocalBreachedPasswordValidator:
    """Refuse a password found in the bundled list or in `WAIBAO_BREACHED_PASSWORDS_FILE` (plain or SHA-1 hex)."""

    def _lists(self) -> list[frozenset[str]]:
        lists = [_entries(str(BUNDLED_LIST))]
        extra = getattr(settings, "WAIBAO_BREACHED_PASSWORDS_FILE", "")
        if extra and Path(extra).is_file():
            lists.append(_entries(str(extra)))
        return lists

    def validate(self, password: str, user: Any = None) -> None:
        plain = password.strip().lower()
        sha1 = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest()
        if any(plain in entries or sha1 in entries for entries in self._lists()):
            raise ValidationError(_("This password has appeared in a data breach."), code="password_breached")

    def get_help_text(self) -> str:
        return _("Your password must not be one that has appeared in a data breach.")
