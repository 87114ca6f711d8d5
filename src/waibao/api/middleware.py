"""What every /api/v1/ request goes through before its endpoint: token authentication with scope and rate
limit, the CSRF check for a session's writes, and the refusal of query parameters the endpoint does not read.

Errors answer with the API's one body shape, `{"error": {"code", "message", "field"}}`:
401 `unauthenticated` / `invalid_token`, 403 `insufficient_scope` / `csrf`, 422 `unknown_parameter`,
429 `rate_limited` (with `Retry-After`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/v1/"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def error(status: int, code: str, message: str, *, field: str | None = None, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def area_of(path: str) -> str:
    return path[len(API_PREFIX) :].split("/", 1)[0]


class ApiTokenMiddleware:
    """Sits after Django's authentication and django-otp, before the second-factor check (which a request
    carrying a valid token skips: see `api.services` on staff tokens)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) or "Authorization" not in request.headers:
            return self.get_response(request)
        from waibao.api.scopes import allows
        from waibao.api.services import authenticate, rate_check

        scheme, _sep, raw = request.headers["Authorization"].partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return error(
                401,
                "unauthenticated",
                _("Send the token as: Authorization: Bearer <token>."),
                WWW_Authenticate="Bearer",
            )
        token = authenticate(raw.strip())
        if token is None:
            return error(
                401,
                "invalid_token",
                _("The token is unknown, expired or revoked."),
                WWW_Authenticate='Bearer error="invalid_token"',
            )
        wait = rate_check(token)
        if wait:
            return error(
                429,
                "rate_limited",
                _("Too many requests with this token: at most %(n)d a minute. Try again in %(s)d seconds.")
                % {"n": token.rate_per_minute, "s": wait},
                Retry_After=str(wait),
            )
        write = request.method not in SAFE_METHODS
        if not allows(token.scopes, area=area_of(request.path), write=write):
            return error(
                403,
                "insufficient_scope",
                _("This token may not %(what)s this area (%(area)s).")
                % {"what": _("change") if write else _("read"), "area": area_of(request.path)},
                WWW_Authenticate='Bearer error="insufficient_scope"',
            )
        user: Any = token.user
        user.is_verified = lambda: False  # a token shows no second factor; SecondFactorMiddleware lets it pass
        request.user = user
        request.api_token = token  # type: ignore[attr-defined]
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]  # no browser sends this header
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if request.method not in SAFE_METHODS and getattr(request, "api_token", None) is None:
            refused = _csrf_refusal(request)
            if refused is not None:
                return refused
        allowed = query_parameters(view_func, request.method or "GET")
        if allowed is None:
            return None
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            if not request.user.is_authenticated:
                # Signing in comes first: an endpoint that refuses an anonymous caller answers 401 before
                # anything is said about its parameters (a read: running it changes nothing).
                response = view_func(request, *args, **kwargs)
                if response.status_code in (401, 403):
                    return response
            return error(
                422,
                "unknown_parameter",
                _("Unknown parameter(s): %(names)s. Supported: %(supported)s.")
                % {"names": ", ".join(unknown), "supported": ", ".join(sorted(allowed)) or "-"},
                field=unknown[0],
            )
        return None


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """A write with the session (a browser) must carry the CSRF token, as the pages' forms do."""
    from django.middleware.csrf import CsrfViewMiddleware

    if not request.user.is_authenticated:
        return None  # the endpoint refuses it (401)
    refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]
    if refused is None:
        return None
    return error(403, "csrf", _("Send the CSRF token (X-CSRFToken) with a write made with the session."))


_PARAMETERS: dict[int, dict[str, set[str]]] = {}


def query_parameters(view_func: Callable[..., Any], method: str) -> set[str] | None:
    """The query parameters the API operation behind `view_func` declares for `method` (None if it is not
    one of django-ninja's views). Read once per view from the operation's signature."""
    key = id(view_func)
    if key not in _PARAMETERS:
        _PARAMETERS[key] = _operation_parameters(view_func)
    found = _PARAMETERS[key]
    return found.get(method) if found else None


def _operation_parameters(view_func: Callable[..., Any]) -> dict[str, set[str]]:
    from ninja.operation import PathView

    path_view = None
    for cell in getattr(view_func, "__closure__", None) or ():
        contents = cell.cell_contents
        if isinstance(contents, PathView):
            path_view = contents
    if path_view is None:
        return {}
    out: dict[str, set[str]] = {}
    for operation in path_view.operations:
        names: set[str] = set()
        for model in operation.signature.models:
            if getattr(model, "__ninja_param_source__", "") != "query":
                continue
            for name, info in model.model_fields.items():
                names.add(info.alias or name)
                sub = getattr(info.annotation, "model_fields", None)  # a Query(Schema) groups its fields
                if sub:
                    names.update(f.alias or n for n, f in sub.items())
        for method in operation.methods:
            out[method] = names
    return out
