"""Every write to API tokens: creating one (the token is returned once, only its hash is kept) and revoking
one. Authentication (`authenticate`) and the per-token rate limit (`rate_check`) live here too.

Staff tokens: office, reviewer and finance accounts sign in with a second factor, which a token cannot
show. A staff user can create a token only from a session verified with the second factor (the token
page sits behind the second-factor check, and `token_create` asks again), and a staff token lives at most
`STAFF_MAX_DAYS`; the token then stands in place of the second factor for its requests.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.mfa import needs_second_factor
from waibao.accounts.models import User
from waibao.api.models import ApiToken
from waibao.api.scopes import all_scopes
from waibao.audit.services import audit_record
from waibao.common.errors import DomainError, PermissionDeniedError

TOKEN_PREFIX = "wbt_"  # noqa: S105  (a marker every token starts with, not a secret)
MAX_DAYS = 365
STAFF_MAX_DAYS = 90
MAX_ACTIVE = 20
LAST_USED_EVERY = timedelta(minutes=1)  # last use is written at most once a minute per token


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown to the user once, never stored


def max_days(user: User) -> int:
    return STAFF_MAX_DAYS if needs_second_factor(user) else MAX_DAYS


def token_create(
    *, acting_user: User, name: str, scopes: list[str], days: int, verified_session: bool, rate_per_minute: int = 60
) -> NewToken:
    if not acting_user.is_authenticated or not acting_user.role:
        raise PermissionDeniedError()
    if needs_second_factor(acting_user) and not verified_session:
        raise PermissionDeniedError(
            _("Sign in with your one-time code before you create a token."), code="second_factor"
        )
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name", code="required")
    unknown = sorted(set(scopes) - set(all_scopes()))
    if unknown or not scopes:
        raise DomainError(_("Choose at least one scope."), field="scopes", code="invalid_scope")
    limit = max_days(acting_user)
    if not 1 <= days <= limit:
        raise DomainError(
            _("A token lives between 1 and %(days)d days.") % {"days": limit}, field="days", code="invalid_expiry"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        active = ApiToken.objects.filter(user=acting_user, revoked_at__isnull=True, expires_at__gt=now).count()
        if active >= MAX_ACTIVE:
            raise DomainError(
                _("You have %(n)d active tokens: revoke one first.") % {"n": active}, code="too_many_tokens"
            )
        token = ApiToken.objects.create(
            user=acting_user,
            name=name[:100],
            prefix=raw[:12],
            token_hash=token_hash(raw),
            scopes=sorted(set(scopes)),
            created_at=now,
            expires_at=now + timedelta(days=days),
            rate_per_minute=rate_per_minute,
        )
        audit_record(
            actor=acting_user,
            action="api_token.created",
            obj=token,
            summary=f"{token.name} {','.join(token.scopes)} {days}d",
        )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, acting_user: User, token_id: int) -> ApiToken:
    """The user revokes one of their own tokens (another user's is as unknown as a missing one)."""
    from waibao.common.errors import NotFoundError

    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=acting_user).first()
    if token is None:
        raise NotFoundError()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=acting_user, action="api_token.revoked", obj=token, summary=token.name)
    return token


def authenticate(raw: str) -> ApiToken | None:
    """The active token for `raw` (its user active too), or None. Notes its last use."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # Bookkeeping, not a change of the token: no audit event for each use.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_check(token: ApiToken, *, now: float | None = None) -> int:
    """0 if the token may make this request, else the seconds until it may (fixed one-minute windows in the
    shared cache, so every worker process counts the same requests)."""
    import time

    now = time.time() if now is None else now
    window = int(now // 60)
    key = f"waibao:api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > token.rate_per_minute:
        return max(1, (window + 1) * 60 - int(now))
    return 0
