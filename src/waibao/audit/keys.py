"""The keys of the audit chain: held outside the database, named by an id that every event and link records.

Configuration (settings, read from the environment in `config/settings/base.py`):

- `WAIBAO_AUDIT_KEY_FILE`: a file (mode 0600, owned by the platform's user) with one key a line,
  `<key id> <secret>`; blank lines and `#` comments are ignored;
- `WAIBAO_AUDIT_KEY`: the same as `<key id>:<secret>`, several separated by commas.

The last key given signs new events; every key given verifies the events that name it, so rotating is
adding a line with a new id (and keeping the old ones for as long as their events must verify). A secret has
at least 32 characters. Without any key, development and tests use `DEV_KEY_ID` (a public, clearly marked
key); production settings refuse it (`WAIBAO_AUDIT_DEV_KEY_ALLOWED = False`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_ID = "dev-insecure"
DEV_SECRET = "waibao-development-audit-key-NOT-FOR-PRODUCTION"  # noqa: S105 (public by design)
MIN_SECRET_LENGTH = 32
MAX_KEY_ID_LENGTH = 32


@dataclass(frozen=True)
class KeyRing:
    """The known keys by id, and the id of the one that signs."""

    keys: dict[str, bytes]
    current_id: str

    def mac(self, key_id: str, message: bytes) -> str:
        return hmac.new(self.keys[key_id], message, hashlib.sha256).hexdigest()


def parse_keys(*, text: str, file_text: str = "") -> list[tuple[str, str]]:
    """(key id, secret) pairs in the order given: the file's lines, then the setting's comma-separated items."""
    pairs: list[tuple[str, str]] = []
    for line in file_text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key_id, _sep, secret = line.partition(" ")
        pairs.append((key_id.strip(), secret.strip()))
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, secret = item.partition(":")
        if not sep:
            raise ImproperlyConfigured("WAIBAO_AUDIT_KEY must be written <key id>:<secret>")
        pairs.append((key_id.strip(), secret.strip()))
    return pairs


def build_ring(pairs: list[tuple[str, str]], *, dev_allowed: bool) -> KeyRing:
    if not pairs:
        if not dev_allowed:
            raise ImproperlyConfigured(
                "No audit key: set WAIBAO_AUDIT_KEY_FILE (or WAIBAO_AUDIT_KEY) to a key held outside the database"
            )
        pairs = [(DEV_KEY_ID, DEV_SECRET)]
    keys: dict[str, bytes] = {}
    for key_id, secret in pairs:
        if not key_id or len(key_id) > MAX_KEY_ID_LENGTH or not key_id.replace("-", "").replace("_", "").isalnum():
            raise ImproperlyConfigured(f"Audit key id {key_id!r}: use 1-32 letters, digits, '-' or '_'")
        if (key_id == DEV_KEY_ID or secret == DEV_SECRET) and not dev_allowed:
            raise ImproperlyConfigured("The development audit key is refused in production: configure a real key")
        if len(secret) < MIN_SECRET_LENGTH:
            raise ImproperlyConfigured(
                f"Audit key {key_id!r} is too short: use at least {MIN_SECRET_LENGTH} characters"
            )
        if key_id in keys and keys[key_id] != secret.encode():
            raise ImproperlyConfigured(f"Audit key id {key_id!r} is given twice with different secrets")
        keys[key_id] = secret.encode()
    return KeyRing(keys=keys, current_id=pairs[-1][0])


_cache: dict[tuple[str, str, bool], KeyRing] = {}


def key_ring() -> KeyRing:
    """The configured keys (read once per configuration; the file is read again when the setting changes)."""
    text = getattr(settings, "WAIBAO_AUDIT_KEY", "") or ""
    path = getattr(settings, "WAIBAO_AUDIT_KEY_FILE", "") or ""
    dev_allowed = bool(getattr(settings, "WAIBAO_AUDIT_DEV_KEY_ALLOWED", False))
    cache_key = (text, str(path), dev_allowed)
    ring = _cache.get(cache_key)
    if ring is None:
        file_text = ""
        if path:
            try:
                file_text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise ImproperlyConfigured(f"Cannot read the audit key file {path}: {exc.strerror}") from None
        ring = build_ring(parse_keys(text=text, file_text=file_text), dev_allowed=dev_allowed)
        _cache[cache_key] = ring
    return ring
