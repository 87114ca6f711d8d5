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


# --- whole public pages (`public_page`) ------------------------------------------------------------------------

PAGE_TEMPLATE = (
    '<form method="post">{% csrf_token %}<button>go</button></form>'
    '<div hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\'>{{ answer }}</div>'
)


def page_view(calls: list[str], *, status: int = 200, cookie: bool = False, real_token: bool = False) -> Any:
    """A public page that counts its renderings; POST checks the CSRF token as every form's target does."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.template import engines
    from django.template.response import TemplateResponse

    template = engines["django"].from_string(PAGE_TEMPLATE)

    @public_cache.public_page(public_cache.WEBSITE, params=("page",))
    def view(request: Any) -> Any:
        if request.method == "POST":
            return HttpResponse("posted")
        calls.append("rendered")
        answer = f"answer {len(calls)}" + (f" token {get_token(request)}" if real_token else "")
        response = TemplateResponse(request, template, {"answer": answer}, status=status)
        if cookie:
            response.set_cookie("chosen", "1")
        return response

    return view


@pytest.fixture
def page_urls(settings: Any) -> Iterator[dict[str, list[str]]]:
    """A URL conf of test pages: /page/ (normal), /not-found/, /cookie/, /token/ (takes a real CSRF token)."""
    import sys
    import types

    from django.urls import clear_url_caches, path

    calls: dict[str, list[str]] = {"page": [], "not-found": [], "cookie": [], "token": []}
    module = types.ModuleType("public_page_test_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("page/", page_view(calls["page"])),
        path("not-found/", page_view(calls["not-found"], status=404)),
        path("cookie/", page_view(calls["cookie"], cookie=True)),
        path("token/", page_view(calls["token"], real_token=True)),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()
    yield calls
    clear_url_caches()
    del sys.modules[module.__name__]


def _token(html: str) -> str:
    import re

    found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(found) == 1, html
    assert f'"X-CSRFToken": "{found[0]}"' in html  # every place a token goes gets the same one
    return found[0]


def test_a_public_page_is_rendered_once_per_version_and_each_reader_gets_a_working_token(
    backend: str, page_urls: dict[str, list[str]], db: None
) -> None:
    from django.test import Client

    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [reader.get("/page/") for reader in readers]
    assert page_urls["page"] == ["rendered"]  # the second reader was served from the cache
    htmls = [page.content.decode() for page in pages]
    assert "answer 1" in htmls[0] and "answer 1" in htmls[1]
    assert public_cache.CSRF_PLACEHOLDER not in htmls[0] + htmls[1]
    tokens = [_token(html) for html in htmls]
    assert tokens[0] != tokens[1]  # each reader's own (masked) token, with its cookie
    for reader, token in zip(readers, tokens, strict=True):
        assert reader.cookies["csrftoken"].value
        assert reader.post("/page/", {"csrfmiddlewaretoken": token}).status_code == 200
    # A token of the other reader is refused: the cached page carries no one's secret.
    assert readers[0].post("/page/", {"csrfmiddlewaretoken": tokens[1]}).status_code == 403
    public_cache.changed(public_cache.WEBSITE)
    assert "answer 2" in readers[0].get("/page/").content.decode()
    public_cache.changed(public_cache.STATISTICS)  # another area: still cached
    assert "answer 2" in readers[1].get("/page/").content.decode()
    assert page_urls["page"] == ["rendered", "rendered"]


def test_a_public_page_is_kept_per_language_and_allowed_parameter_only(
    backend: str, page_urls: dict[str, list[str]], db: None
) -> None:
    from django.test import Client

    zh, en = Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), Client(HTTP_ACCEPT_LANGUAGE="en")
    zh.get("/page/"), en.get("/page/"), zh.get("/page/?page=2"), zh.get("/page/?page=2")
    assert len(page_urls["page"]) == 3
    # A parameter the page does not take: rendered every time, never stored.
    zh.get("/page/?utm=1"), zh.get("/page/?utm=1")
    assert len(page_urls["page"]) == 5


def test_signed_in_readers_and_readers_with_a_session_or_messages_get_the_page_rendered(
    backend: str, page_urls: dict[str, list[str]], enterprise_user: Any, client_for: Any
) -> None:
    from django.conf import settings
    from django.test import Client

    Client().get("/page/")
    client_for(enterprise_user).get("/page/")
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    with_session.get("/page/")
    with_messages = Client()
    with_messages.cookies["messages"] = "anything"
    with_messages.get("/page/")
    assert len(page_urls["page"]) == 4


def test_only_complete_answers_without_cookies_or_real_tokens_are_stored(
    backend: str, page_urls: dict[str, list[str]], db: None
) -> None:
    from django.test import Client

    reader = Client()
    for path in ("/not-found/", "/cookie/", "/token/"):
        first, second = reader.get(path), reader.get(path)
        assert len(page_urls[path.strip("/")]) == 2, path
        assert public_cache.CSRF_PLACEHOLDER not in first.content.decode() + second.content.decode()
    # The page that took a real token while rendering is served with tokens in every form, and never stored.
    _token(Client().get("/token/").content.decode())
