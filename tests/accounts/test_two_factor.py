"""Issue 9 §5: office, finance and reviewer accounts need a TOTP second factor; lockout per account; passwords."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import totp_device
from waibao.accounts.mfa import current_code, pending_device
from waibao.accounts.models import User
from waibao.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-9"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("fixture", ["office", "finance", "reviewer"])
def test_password_alone_does_not_open_staff_pages(request: pytest.FixtureRequest, fixture: str) -> None:
    user: User = request.getfixturevalue(fixture)
    client = Client()
    assert sign_in(client, user.username).status_code == 302
    for url in ("/registry/", "/applications/queue/", "/statistics/", "/api/v1/applications/applications"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/api/v1/applications/applications").status_code == 403


def test_enrolment_with_a_locally_drawn_qr_code_then_sign_in_with_a_code(office: User) -> None:
    client = Client()
    sign_in(client, "office")
    page = client.get("/accounts/2fa/setup/?next=/registry/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "otpauth" not in body  # drawn, not linked
    assert "http://" not in body.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    device = pending_device(office)
    assert client.post("/accounts/2fa/setup/", {"token": "000000", "next": "/registry/"}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow the next attempt down
    device.throttle_reset()
    response = client.post("/accounts/2fa/setup/", {"token": current_code(device), "next": "/registry/"})
    assert response.status_code == 302 and response["Location"] == "/registry/"
    assert client.get("/registry/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="user.mfa_enrolled").exists()

    # The next sign-in asks for a code from the enrolled device (not a new enrolment).
    other = Client()
    sign_in(other, "office")
    response = other.get("/registry/")
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert other.post("/accounts/2fa/verify/", {"token": "123456"}).status_code == 200
    assert other.get("/registry/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1
    device.throttle_reset(commit=False)
    device.save()
    response = other.post("/accounts/2fa/verify/", {"token": current_code(device), "next": "/registry/"})
    assert response.status_code == 302 and other.get("/registry/").status_code == 200


def test_a_code_cannot_be_used_twice(office: User) -> None:
    device = totp_device(office)
    code = current_code(device)
    first, second = Client(), Client()
    sign_in(first, "office")
    sign_in(second, "office")
    assert first.post("/accounts/2fa/verify/", {"token": code}).status_code == 302
    assert second.post("/accounts/2fa/verify/", {"token": code}).status_code == 200
    assert second.get("/registry/").status_code == 302


def test_open_redirect_refused_after_the_code(office: User) -> None:
    device = totp_device(office)
    client = Client()
    sign_in(client, "office")
    response = client.post("/accounts/2fa/verify/", {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/accounts/home/"


def test_enterprise_users_need_no_second_factor(enterprise_user: User) -> None:
    client = Client()
    sign_in(client, "ent")
    assert client.get("/applications/").status_code == 200
    assert not TOTPDevice.objects.filter(user=enterprise_user).exists()


def test_lockout_is_per_account_across_addresses(office: User) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "office", "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")
    # The right password from yet another address is still refused: the account is locked.
    assert sign_in(Client(), "office", REMOTE_ADDR="10.0.9.9").status_code == 429


@pytest.mark.parametrize(
    "password,ok",
    [
        ("Short-pw-1", False),  # 10 characters: too short now
        ("1qaz2wsx3edc", False),  # breached keyboard walk, in the local list
        ("password1234", False),
        ("Long-enough-pass-42", True),
    ],
)
def test_password_rules(office: User, client_for: Any, password: str, ok: bool) -> None:
    response = client_for(office).post(
        "/accounts/users/", {"username": "fin2", "role": "finance_officer", "password": password}
    )
    assert User.objects.filter(username="fin2").exists() is ok, response.content.decode()[-2000:]


def test_trusted_proxy_setting_decides_the_lockout_address(office: User, settings: Any) -> None:
    """Behind one proxy, REMOTE_ADDR is the proxy: the client is the address the proxy appended."""
    from django.test import RequestFactory

    from waibao.common.clientip import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.WAIBAO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.1.1.1"
    settings.WAIBAO_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the forged 6.6.6.6 on the left is never used
    settings.WAIBAO_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    assert settings.AXES_CLIENT_IP_CALLABLE == "waibao.common.clientip.client_ip"


def test_office_resets_a_lost_device(office: User, finance: User, client_for: Any) -> None:
    totp_device(finance)
    assert client_for(finance).post(f"/accounts/users/{finance.pk}/reset-2fa/").status_code == 403
    assert client_for(office).post(f"/accounts/users/{finance.pk}/reset-2fa/").status_code == 302
    assert not TOTPDevice.objects.filter(user=finance).exists()
    assert AuditEvent.objects.filter(action="user.mfa_reset").exists()
    client = Client()
    sign_in(client, "finance")
    assert client.get("/ledger/")["Location"].startswith("/accounts/2fa/setup/")


def test_the_verifying_device_is_checked_on_every_request(office: User, finance: User) -> None:
    """A verified session stays verified only while its device exists, is confirmed and is the user's own."""
    device = totp_device(office)
    client = Client()
    sign_in(client, "office")
    assert client.post("/accounts/2fa/verify/", {"token": current_code(device)}).status_code == 302
    assert client.get("/registry/").status_code == 200
    user = client.get("/registry/").wsgi_request.user
    assert user.is_verified() and user.otp_device.pk == device.pk  # the device is there when read

    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert client.get("/registry/")["Location"].startswith("/accounts/2fa/")
    assert DEVICE_ID_SESSION_KEY not in client.session  # the session forgets the device

    # Another user's device id in the session does not verify it.
    other_device = totp_device(finance)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other_device.persistent_id
    session.save()
    assert client.get("/registry/")["Location"].startswith("/accounts/2fa/")

    # A removed device stops working at the next request.
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/registry/").status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).delete()
    assert client.get("/registry/")["Location"].startswith("/accounts/2fa/")
