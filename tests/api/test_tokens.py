"""Personal API tokens: shown once, stored hashed, scoped, expiring, revocable, listed with last use, and
rate-limited (429 with Retry-After). Staff create them only in a session verified with the second factor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_user
from waibao.accounts.models import Role, User
from waibao.api.models import ApiToken
from waibao.api.services import token_create, token_hash, token_revoke
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError, NotFoundError, PermissionDeniedError

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def new_token(user: User, scopes: list[str], **kwargs: object) -> str:
    return token_create(acting_user=user, name="ERP", scopes=scopes, days=30, verified_session=True, **kwargs).raw  # type: ignore[arg-type]


def test_the_page_shows_a_new_token_once_and_stores_only_its_hash(enterprise_user: User, client_for: ClientFor) -> None:
    client = client_for(enterprise_user)
    response = client.post(
        "/accounts/api-tokens/", {"name": "ERP", "scopes": ["statistics:write", "registry:read"], "days": "30"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    token = ApiToken.objects.get(user=enterprise_user)
    raw = page.split('id="token-value">')[1].split("<")[0]
    assert raw.startswith("wbt_") and len(raw) > 40
    assert token.token_hash == token_hash(raw) and raw not in str(ApiToken.objects.values().get())
    assert token.scopes == ["registry:read", "statistics:write"]
    assert AuditEvent.objects.filter(action="api_token.created").exists()
    again = client.get("/accounts/api-tokens/").content.decode()
    assert raw not in again and token.prefix in again  # listed by its beginning, never shown again
    assert client.get(f"/api/v1/registry/enterprises/{enterprise_user.enterprise_id}", **bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "从未使用" not in client.get("/accounts/api-tokens/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_form_refuses_bad_input(enterprise_user: User, client_for: ClientFor) -> None:
    client = client_for(enterprise_user)
    for data in ({"name": "", "scopes": ["registry:read"], "days": "30"}, {"name": "x", "days": "30"}):
        assert client.post("/accounts/api-tokens/", data).status_code == 422
    assert (
        client.post("/accounts/api-tokens/", {"name": "x", "scopes": ["ledger:write"], "days": "30"}).status_code == 422
    )
    assert (
        client.post("/accounts/api-tokens/", {"name": "x", "scopes": ["registry:read"], "days": "9999"}).status_code
        == 422
    )
    assert not ApiToken.objects.exists()
    assert client_for(None).get("/accounts/api-tokens/").status_code == 302


def test_scopes_limit_reading_and_writing(enterprise_user: User, client_for: ClientFor) -> None:
    anonymous = client_for(None)
    read_only = new_token(enterprise_user, ["statistics:read"])
    response = anonymous.get("/api/v1/statistics/contracts", **bearer(read_only))
    assert response.status_code == 200, response.content
    refused = anonymous.get(f"/api/v1/registry/enterprises/{enterprise_user.enterprise_id}", **bearer(read_only))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    write = anonymous.post("/api/v1/statistics/contracts", {}, content_type="application/json", **bearer(read_only))
    assert write.status_code == 403 and write.json()["error"]["code"] == "insufficient_scope"
    # Public paths outside any area (the schema) need no scope.
    assert anonymous.get("/api/v1/openapi.json", **bearer(read_only)).status_code == 200


def test_a_token_never_exceeds_its_users_access(
    enterprise_user: User, other_enterprise_user: User, client_for: ClientFor
) -> None:
    raw = new_token(enterprise_user, ["registry:read", "ledger:read"])
    anonymous = client_for(None)
    other = anonymous.get(f"/api/v1/registry/enterprises/{other_enterprise_user.enterprise_id}", **bearer(raw))
    assert other.status_code == 404
    assert anonymous.get("/api/v1/ledger/overview", **bearer(raw)).status_code == 403


def test_expired_revoked_and_unknown_tokens_are_refused(enterprise_user: User, client_for: ClientFor) -> None:
    anonymous = client_for(None)
    url = f"/api/v1/registry/enterprises/{enterprise_user.enterprise_id}"
    raw = new_token(enterprise_user, ["registry:read"])
    assert anonymous.get(url, **bearer(raw)).status_code == 200
    token = ApiToken.objects.get(user=enterprise_user)
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - timedelta(days=2), expires_at=now - timedelta(seconds=1)
    )
    expired = anonymous.get(url, **bearer(raw))
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "invalid_token"
    assert "invalid_token" in expired["WWW-Authenticate"]

    raw2 = new_token(enterprise_user, ["registry:read"])
    second = ApiToken.objects.filter(user=enterprise_user).order_by("-pk").first()
    assert second is not None
    client_for(enterprise_user).post(f"/accounts/api-tokens/{second.pk}/revoke/")
    second.refresh_from_db()
    assert second.revoked_at is not None and second.status == "revoked"
    assert anonymous.get(url, **bearer(raw2)).status_code == 401
    for header in ("Bearer wbt_nothing", "Bearer ", "Basic abc"):
        response = anonymous.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401 and set(response.json()["error"]) == {"code", "message", "field"}
    # The user being deactivated ends their tokens too.
    raw3 = new_token(enterprise_user, ["registry:read"])
    User.objects.filter(pk=enterprise_user.pk).update(is_active=False)
    assert anonymous.get(url, **bearer(raw3)).status_code == 401


def test_only_the_owner_revokes(enterprise_user: User, other_enterprise_user: User) -> None:
    new_token(enterprise_user, ["registry:read"])
    token = ApiToken.objects.get()
    with pytest.raises(NotFoundError):
        token_revoke(acting_user=other_enterprise_user, token_id=token.pk)
    assert token_revoke(acting_user=enterprise_user, token_id=token.pk).revoked_at is not None


def test_rate_limit_answers_429_with_retry_after(enterprise_user: User, client_for: ClientFor) -> None:
    raw = new_token(enterprise_user, ["registry:read"], rate_per_minute=3)
    anonymous = client_for(None)
    url = f"/api/v1/registry/enterprises/{enterprise_user.enterprise_id}"
    statuses = [anonymous.get(url, **bearer(raw)).status_code for _n in range(3)]
    assert statuses == [200, 200, 200]
    limited = anonymous.get(url, **bearer(raw))
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Another token of the same user has its own count.
    assert anonymous.get(url, **bearer(new_token(enterprise_user, ["registry:read"]))).status_code == 200


def test_staff_tokens_need_a_verified_session_and_pass_the_second_factor(office: User, client_for: ClientFor) -> None:
    with pytest.raises(PermissionDeniedError):
        token_create(acting_user=office, name="x", scopes=["ledger:read"], days=30, verified_session=False)
    with pytest.raises(DomainError):
        token_create(acting_user=office, name="x", scopes=["ledger:read"], days=365, verified_session=True)
    # An unverified session cannot reach the page at all.
    unverified = Client()
    unverified.force_login(office, backend="waibao.accounts.backends.ModelBackend")
    assert unverified.get("/accounts/api-tokens/").status_code == 302
    assert unverified.get("/api/v1/ledger/overview").status_code == 403
    # A verified session creates one; the token then reads without a second factor of its own.
    response = client_for(office).post("/accounts/api-tokens/", {"name": "BI", "scopes": ["ledger:read"], "days": "90"})
    raw = response.content.decode().split('id="token-value">')[1].split("<")[0]
    assert Client().get("/api/v1/ledger/overview", **bearer(raw)).status_code == 200


def test_session_writes_need_the_csrf_token(enterprise_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(enterprise_user, backend="waibao.accounts.backends.ModelBackend")
    response = client.post("/api/v1/statistics/contracts", {}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf"


def test_every_role_may_create_tokens(dataset: object, client_for: ClientFor) -> None:
    leader = make_user(Role.CITY_LEADER, username="leader")
    raw = new_token(leader, ["governance:read"])
    assert Client().get("/api/v1/governance/duties", **bearer(raw)).status_code == 200


def test_every_mounted_area_needs_its_own_scope(enterprise_user: User, client_for: ClientFor) -> None:
    """Each router under /api/v1/ is a registered area: a token scoped to one area reads no other, and a path
    outside every area is only the schema, the docs or a 404."""
    from waibao.api.scopes import areas
    from waibao.api.urls import api

    registered = {area.code for area in areas()}
    mounted = {prefix.strip("/").split("/")[0] for prefix, _router in api._routers if prefix.strip("/")}
    assert mounted <= registered, f"mounted without a scope: {sorted(mounted - registered)}"
    raw = new_token(enterprise_user, ["statistics:read"])
    anonymous = client_for(None)
    for path in ("/api/v1/cases/", "/api/v1/careers/postings", "/api/v1/topten/lists", "/api/v1/talent/plan"):
        refused = anonymous.get(path, **bearer(raw))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope", path
    assert anonymous.get("/api/v1/not-an-area/x", **bearer(raw)).status_code == 404
