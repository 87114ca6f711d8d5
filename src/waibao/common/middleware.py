"""Turns a DomainError that escaped a view into a page or a JSON error, never a 500."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from waibao.common.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return domain_error_response(request, exception)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def domain_error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    if wants_json(request):
        body = {"error": {"code": error.code, "message": str(error.message), "field": error.field}}
        return JsonResponse(body, status=error.status_code)
    return render(request, "error.html", {"error": error}, status=error.status_code)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds `WAIBAO_MAX_REQUEST_BYTES` (413) before anything reads it.

    Django's own limits cover form fields in memory; this one also covers file uploads and the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils.translation import gettext as _

        limit = int(getattr(settings, "WAIBAO_MAX_REQUEST_BYTES", 0) or 0)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit and declared > limit:
            message = _("The request is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)}
            if wants_json(request):
                return JsonResponse({"error": {"code": "too_large", "message": message}}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SessionRefreshMiddleware:
    """Keeps a used session alive without writing it on every request.

    Sits inside Django's SessionMiddleware, which saves a session only when it is modified. A request that
    used a session marks it (and so has it saved with a new expiry) only when the last mark is at least
    `SESSION_REFRESH_SECONDS` old: the inactivity limit stays exact to that interval, and a signed-in page
    view is a read, not a database write.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response

    @classmethod
    def mark_signed_in(cls, sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
        session = getattr(request, "session", None)
        if session is not None:
            session[cls.KEY] = int(time.time())
