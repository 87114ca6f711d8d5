"""Signing in: lockout after repeated failures, password rules, session expiry settings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from waibao.accounts.models import User

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_correct_password_signs_in(enterprise_user: User) -> None:
    client = Client()
    assert attempt(client, "ent", "Correct-Horse-9") == 302
    assert client.get("/registry/my/").status_code in (200, 302)
    assert client.session.get("_auth_user_id") == str(enterprise_user.pk)


def test_five_failures_lock_the_account_even_for_the_right_password(office: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "office", "wrong") == 200
    assert attempt(client, "office", "wrong") == 429
    assert attempt(client, "office", "Correct-Horse-9") == 429
    assert client.get("/registry/").status_code == 302  # still not signed in


def test_staff_account_creation_applies_password_validators(
    office: User,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(office)
    response = client.post("/accounts/users/", {"username": "weak", "role": "finance_officer", "password": "12345678"})
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()
    response = client.post(
        "/accounts/users/", {"username": "fin2", "role": "finance_officer", "password": "Strong-enough-42"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="fin2").role == "finance_officer"


def test_reviewer_account_needs_a_department(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(office).post(
        "/accounts/users/", {"username": "rev2", "role": "department_reviewer", "password": "Strong-enough-42"}
    )
    assert response.status_code == 200 and "department" in response.context["form"].errors
    assert not User.objects.filter(username="rev2").exists()


def test_enterprise_accounts_cannot_be_made_by_staff_form(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(office).post(
        "/accounts/users/", {"username": "ent9", "role": "enterprise", "password": "Strong-enough-42"}
    )
    assert response.status_code == 200 and not User.objects.filter(username="ent9").exists()


def test_sessions_expire() -> None:
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    # Inactivity is measured to the minute without a write on every request (tests/common/test_sessions.py).
    assert not settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_REFRESH_SECONDS <= 60
    assert "waibao.common.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


def test_admin_is_for_superusers_only(office: User, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(office).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
