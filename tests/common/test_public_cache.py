"""The public cache: answers per language and parameters, new versions when a transaction that changes them commits.

Each mechanism test runs against the default backend (files, shared by worker processes) and against a real
Redis server (`scripts/test-redis.sh start`; WAIBAO_TEST_REDIS_URL), the production backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from waibao.common import public_cache


@pytest.fixture(params=["files", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "files":
        config = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    else:
        url = os.environ.get("WAIBAO_TEST_REDIS_URL", "").strip()
        if not url:
            message = "WAIBAO_TEST_REDIS_URL is unset: run `scripts/test-redis.sh start` and source var/test-redis/env"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)
        # A prefix of its own: parallel test processes share the server, and nothing here clears it.
        config = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    with override_settings(CACHES={"default": config}):
        yield request.param


def counter() -> tuple[list[str], Callable[[], str]]:
    calls: list[str] = []

    def compute() -> str:
        calls.append("computed")
        return f"answer {len(calls)}"

    return calls, compute


def test_backend_under_test_is_the_one_configured(backend: str) -> None:
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == ("RedisCache" if backend == "redis" else "FileBasedCache")


def test_an_answer_is_computed_once_until_its_area_changes(backend: str, db: None) -> None:
    calls, compute = counter()
    first = public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute)
    second = public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute)
    assert first == second == "answer 1"
    assert len(calls) == 1
    public_cache.changed(public_cache.STATISTICS)
    assert public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute) == "answer 2"


def test_another_area_changing_leaves_the_answer_cached(backend: str, db: None) -> None:
    calls, compute = counter()
    public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute)
    public_cache.changed(public_cache.APPLICATIONS)
    public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute)
    assert len(calls) == 1


def test_keys_differ_by_language_and_parameters(backend: str) -> None:
    calls, compute = counter()
    with translation.override("en"):
        public_cache.cached("t", areas=(public_cache.REGISTRY,), params=("page", "1"), compute=compute)
        public_cache.cached("t", areas=(public_cache.REGISTRY,), params=("page", "2"), compute=compute)
    with translation.override("zh-hans"):
        public_cache.cached("t", areas=(public_cache.REGISTRY,), params=("page", "1"), compute=compute)
    with translation.override("en"):
        public_cache.cached("t", areas=(public_cache.REGISTRY,), params=("page", "1"), compute=compute)
    assert len(calls) == 3


def test_an_answer_computed_before_the_commit_is_not_served_after_it(backend: str, transactional_db: None) -> None:
    """A reader that ran between the change and the commit saw the old data and cached it: the commit drops it."""
    with transaction.atomic():
        public_cache.changed(public_cache.STATISTICS)
        # Another request, in the window before the commit, reads the old figures and caches them.
        stale = public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=lambda: "before the commit")
        assert stale == "before the commit"
    fresh = public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=lambda: "after the commit")
    assert fresh == "after the commit"


def test_a_rolled_back_change_still_serves_correct_answers(backend: str, transactional_db: None) -> None:
    _calls, compute = counter()
    public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute)
    with pytest.raises(RuntimeError), transaction.atomic():
        public_cache.changed(public_cache.STATISTICS)
        raise RuntimeError("rolled back")
    assert public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute) == "answer 2"


def test_a_lost_version_key_means_a_fresh_answer(backend: str) -> None:
    """Evicted or restarted caches lose the version: a new one is drawn, never an old one reused."""
    _calls, compute = counter()
    public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute)
    cache.delete("waibao:area-version:statistics")
    assert public_cache.cached("t", areas=(public_cache.STATISTICS,), compute=compute) == "answer 2"
