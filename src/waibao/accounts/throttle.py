"""Per-client and per-contact limits shared by every public form (registration, objections)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone

from waibao.accounts.models import RateLimitHit
from waibao.common.errors import DomainError


def keyed(value: str) -> str:
    """A keyed hash of an address or contact: enough to count, without storing it."""
    return hmac.new(settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()


def recent(scope: str, value: str, *, window: datetime.timedelta) -> int:
    since = timezone.now() - window
    return RateLimitHit.objects.filter(scope=scope, key=keyed(value), created_at__gte=since).count()


def throttle(scope: str, value: str, *, limit: int, window: datetime.timedelta, message: Any) -> None:
    """Count one attempt for `value` in `scope`; DomainError (code `rate_limited`) once `limit` is reached.

    The attempt is counted before the check so that a refused attempt counts too, and in its own row so
    that a rolled-back request still counts (callers run it outside their transaction)."""
    if not value:
        return
    if recent(scope, value, window=window) >= limit:
        raise DomainError(message, code="rate_limited")
    RateLimitHit.objects.create(scope=scope, key=keyed(value))
