"""Staff of the roles that need a second factor reach nothing but enrolment and verification until verified."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from waibao.accounts.mfa import confirmed_device, needs_second_factor
from waibao.common.middleware import wants_json

OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and needs_second_factor(user)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
            and getattr(request, "api_token", None) is None  # created in a verified session: api.services
        ):
            if wants_json(request):
                body = {"error": {"code": "second_factor", "message": "sign in with your one-time code first"}}
                return JsonResponse(body, status=403)
            step = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
