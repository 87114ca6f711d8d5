"""Staff two-factor sign-in: a TOTP device (django-otp) per office, finance and reviewer account.

Until a device is enrolled and a code from it verified in the session, those roles reach only the enrolment
and verification pages (`middleware.SecondFactorMiddleware`). The enrolment QR code is drawn here as SVG: the
page loads nothing from elsewhere and the secret never leaves the platform.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from waibao.accounts.models import Role, User
from waibao.audit.services import audit_record

MFA_ROLES = frozenset({Role.PROGRAMME_OFFICE, Role.FINANCE_OFFICER, Role.DEPARTMENT_REVIEWER})
DEVICE_NAME = "authenticator"


def needs_second_factor(user: object) -> bool:
    return isinstance(user, User) and user.role in MFA_ROLES


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (made on first visit; its secret is shown until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps type it in (base32, grouped by four)."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def current_code(device: TOTPDevice) -> str:
    """The code the device shows now (for the demo command and tests)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def _clean_token(token: str) -> str:
    return "".join(ch for ch in str(token) if ch.isdigit())[:8]


@transaction.atomic
def device_confirm(*, acting_user: User, token: str) -> TOTPDevice | None:
    """Enrolment: the first correct code confirms the pending device (earlier devices are removed)."""
    device = pending_device(acting_user)
    if not device.verify_token(_clean_token(token)):
        return None
    TOTPDevice.objects.filter(user=acting_user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=acting_user, action="user.mfa_enrolled", obj=acting_user, summary=acting_user.username)
    return device


def verify(request: HttpRequest, user: User, token: str) -> bool:
    """Sign-in step two: a correct code from the confirmed device marks the session verified."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(_clean_token(token)):
        return False
    otp_login(request, device)
    return True


def verify_session(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified with `device` (after enrolment confirmed it with a code)."""
    otp_login(request, device)


@transaction.atomic
def device_reset(*, acting_user: User, user: User) -> None:
    """The programme office removes a colleague's device (lost phone): the next sign-in enrols again."""
    from waibao.common.errors import PermissionDeniedError

    if acting_user.role != Role.PROGRAMME_OFFICE:
        raise PermissionDeniedError()
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=acting_user, action="user.mfa_reset", obj=user, summary=user.username)


def demo_device(user: User, key_hex: str) -> TOTPDevice:
    """Demo only: a confirmed device with a known secret, so the person running the demo can get codes."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key_hex, confirmed=True)
