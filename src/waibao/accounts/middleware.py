"""Staff of the roles that need a second factor reach nothing but enrolment and verification until verified;
and the check, on every request, that the device which verified the session still exists and is confirmed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from waibao.accounts.mfa import confirmed_device, needs_second_factor
from waibao.common.middleware import wants_json
from waibao.common.plain_sql import column, table

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


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware (`request.user.otp_device`, `is_verified()`), with the device of a verified session
    checked by one plain query on every request instead of loading it through the ORM.

    The session holds the device's persistent id. A TOTP device counts only if it still exists, belongs to the
    signed-in user and is confirmed, the same conditions as django-otp's: a removed or reset device stops
    working at the next request. The device itself is loaded only if something reads it (`otp_device` is then
    the model instance); other device kinds go through django-otp's own lookup.
    """

    TOTP_LABEL = f"{TOTPDevice._meta.app_label}.{TOTPDevice._meta.model_name}"

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        """The user as a plain object, not behind two lazy proxies (Django's, then django-otp's): every attribute
        read of `request.user` through a proxy costs an exception and three calls, hundreds of times a page. The
        next middleware (the second-factor check) reads the user on every request anyway."""
        super()._install_lazy_accessors(request)
        user: Any = getattr(request, "user", None)
        while isinstance(user, LazyObject):
            lazy: Any = user
            if lazy._wrapped is empty:
                lazy._setup()
            user = lazy._wrapped
        if user is not None:
            request.user = user

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._session_device(persistent_id, user) if persistent_id else None
            if device is None and DEVICE_ID_SESSION_KEY in request.session:
                del request.session[DEVICE_ID_SESSION_KEY]
            user.otp_device = device
        return user

    def _session_device(self, persistent_id: str, user: Any) -> Any:
        label, _sep, pk = self._normalize_persistent_id(str(persistent_id)).rpartition("/")
        if label != self.TOTP_LABEL:
            device = self._device_from_persistent_id(persistent_id)
            return device if device is not None and device.user_id == user.pk and device.confirmed else None
        if not pk.isdigit() or not confirmed_totp_device_exists(device_id=int(pk), user_id=user.pk):
            return None
        return SimpleLazyObject(functools.partial(TOTPDevice.objects.get, pk=int(pk)))


def confirmed_totp_device_exists(*, device_id: int, user_id: int) -> bool:
    """Whether this TOTP device exists, belongs to this user and is confirmed: one indexed lookup, without the
    ORM's query compilation (this runs on every signed-in staff request)."""
    pk, owner, confirmed = (column(TOTPDevice, name) for name in ("pk", "user", "confirmed"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table(TOTPDevice)} WHERE {pk} = %s AND {owner} = %s AND {confirmed} = %s",  # noqa: S608
            [device_id, user_id, True],
        )
        return cursor.fetchone() is not None
