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

`public_page` serves a whole public page to anonymous readers from the same cache (the website's pages, the policy
library, the public notice, the job board, public API lists): the page is rendered once per version of its areas,
language, path and allowed parameters, with a placeholder where each form's CSRF token goes; each reader gets the
page with their own token put in (`csrf_context`).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

STATISTICS = "statistics"  # approved statistics records, staffing reports, statistics parameters
REGISTRY = "registry"  # zones, enterprises' status (recognised counts), categories
APPLICATIONS = "applications"  # the public notice: applications entering, held in or leaving it
WEBSITE = "website"  # the website's live pages (Wagtail's publish, unpublish, move and delete signals)
RECRUITMENT = "recruitment"  # the job board: postings published, changed, closed or withdrawn
GOVERNANCE = "governance"  # departments and their duties as the public reads them
CASEWORK = "casework"  # cases' status histories, granted extensions and case types (the duties' case indicators)
WORKDAYS = "workdays"  # the working-day calendar's confirmed years and their special days
PROMOTION = "promotion"  # investment-promotion projects (every service that saves one; staff pages only)
AREAS = (STATISTICS, REGISTRY, APPLICATIONS, WEBSITE, RECRUITMENT, GOVERNANCE, CASEWORK, WORKDAYS, PROMOTION)

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


# --- whole public pages ------------------------------------------------------------------------------------

# Rendered where a form's CSRF token goes while a page is made for the cache (`csrf_context`), and replaced by
# the reader's own token each time the page is served. Not a token's shape, so it can never pass as one.
CSRF_PLACEHOLDER = "waibao:csrf-token-placeholder"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_RENDERING = "waibao_public_page_rendering"
_DO_NOT_STORE = "waibao_public_page_do_not_store"
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")

View = Callable[..., HttpResponseBase]


def csrf_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: while a public page is rendered for the cache, forms get the placeholder, not a token."""
    if getattr(request, _RENDERING, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def do_not_store(request: HttpRequest) -> None:
    """This answer is for this reader only (e.g. an event page's places left): serve it, never cache it."""
    setattr(request, _DO_NOT_STORE, True)


def minute() -> str:
    """A `moment` for pages that show what is upcoming (the clock moves them): one rendering per minute at most."""
    return timezone.now().strftime("%Y-%m-%dT%H:%M")


def today() -> str:
    """A `moment` for pages that show what is in force or open today (the city's day)."""
    return timezone.localdate().isoformat()


def _anonymous_reader(request: HttpRequest) -> bool:
    """Nobody signed in and nothing personal on its way: no session (and so no message or Wagtail page password
    kept in one) and no message cookie."""
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and (user is None or not user.is_authenticated)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(
    *areas: str, params: tuple[str, ...] = (), moment: Callable[[], str] | None = None
) -> Callable[[View], View]:
    """Serve the view's page to anonymous readers from the cache, rendered once per version of `areas`.

    The key holds the view, the language, the path, the query parameters (only `params` may appear: a request
    with any other is rendered and served as usual, so random queries cannot fill the cache) and `moment()`
    (`today`, `minute`) for pages that the clock changes. Only a complete 200 answer that sets no cookie and
    used no real CSRF token is stored. Signed-in readers, readers with a session and non-GET requests go
    straight to the view.
    """
    allowed = frozenset(params)

    def decorator(view: View) -> View:
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _anonymous_reader(request) or not allowed.issuperset(request.GET.keys()):
                return view(request, *args, **kwargs)
            token = versions(areas)
            query = sorted(request.GET.lists())
            stamp = moment() if moment else ""
            digest = hashlib.sha256(
                repr((name, get_language(), request.path, query, stamp, token)).encode()
            ).hexdigest()[:32]
            key = f"waibao:public-page:{digest}"
            entry = cache.get(key)
            if entry is None:
                response, entry = _render(request, view, args, kwargs)
                if entry is None:
                    return response
                cache.set(key, entry, timeout=ENTRY_SECONDS)
            return _serve(request, entry)

        return wrapped

    return decorator


def _render(
    request: HttpRequest, view: View, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[HttpResponseBase, tuple[bytes, list[tuple[str, str]]] | None]:
    """The view's answer, and what to store of it (None: serve this answer as it is, store nothing)."""
    token_used_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    setattr(request, _RENDERING, True)
    try:
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            response = render()  # a TemplateResponse: rendered now, while the placeholder is in force
    finally:
        setattr(request, _RENDERING, False)
    content = getattr(response, "content", None) if not response.streaming else None
    storable = (
        response.status_code == 200
        and isinstance(content, bytes)
        and not response.cookies
        and not getattr(request, _DO_NOT_STORE, False)
        # A real token taken while rendering (a form's token not from the template context) must not be stored:
        # it would hand one reader's CSRF secret to the next.
        and request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False) == token_used_before
    )
    if not storable:
        if isinstance(response, HttpResponse) and _PLACEHOLDER_BYTES in response.content:
            response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
        return response, None
    headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
    assert isinstance(content, bytes)
    return response, (content, headers)


def _serve(request: HttpRequest, entry: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = entry
    if _PLACEHOLDER_BYTES in content:
        content = content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    patch_vary_headers(response, ("Cookie",))  # the language cookie chooses the page: no shared cache may mix them
    return response
