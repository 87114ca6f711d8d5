"""Public pages and public API answers from Django's cache, invalidated when what they show changes.

Each cached answer depends on one or more *areas* (`STATISTICS`, `REGISTRY`, `APPLICATIONS`). An area has
a version token in the cache; an answer's key holds the tokens of its areas, the active language and the
request's parameters, so a new token makes every older answer unreachable at once, in every process that
shares the cache (the default file cache and Redis both are shared; see `config.env.cache_config`).

The services that approve or publish call `changed(area)` inside their transaction. It replaces the token
at once and again when the transaction commits (`transaction.on_commit`): a reader that computed an answer
from the data as it was before the commit, even one that ran between the change and the commit, stored it
under a token that is gone once the commit is visible. A rolled-back change costs one recomputation.
Entries expire after a day only to bound the cache's size; freshness never relies on that timer.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

STATISTICS = "statistics"  # approved statistics records, staffing reports, statistics parameters
REGISTRY = "registry"  # zones, enterprises' status (recognised counts), categories
APPLICATIONS = "applications"  # the public notice: applications entering, held in or leaving it
AREAS = (STATISTICS, REGISTRY, APPLICATIONS)

ENTRY_SECONDS = 24 * 60 * 60
T = TypeVar("T")
_MISSING = object()


def _version_key(area: str) -> str:
    return f"waibao:area-version:{area}"


def _bump(areas: Iterable[str]) -> None:
    cache.set_many({_version_key(area): secrets.token_hex(8) for area in areas}, timeout=None)


def changed(*areas: str) -> None:
    """What `areas` show has changed in the current transaction: new versions now and on commit."""
    _bump(areas)
    transaction.on_commit(lambda: _bump(areas))


def versions(areas: Iterable[str]) -> str:
    """The current tokens of `areas` (an area seen for the first time gets one)."""
    keys = [_version_key(area) for area in areas]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), timeout=None)  # another process may win: read it back
            found[key] = cache.get(key) or ""
    return ".".join(str(found[key]) for key in keys)


def cached(name: str, *, areas: tuple[str, ...], params: Hashable = (), compute: Callable[[], T]) -> T:
    """The answer `name` for `params` in the active language, computed once per version of its areas.

    The versions are read before `compute` runs, so an answer is never stored under a version newer than
    the data it was computed from.
    """
    token = versions(areas)
    digest = hashlib.sha256(repr((name, get_language(), params, token)).encode()).hexdigest()[:32]
    key = f"waibao:public:{name}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=ENTRY_SECONDS)
    return value
