"""How an objector's contact is confirmed: a code sent to it. E-mail here; the channel is a setting
(`WAIBAO_OBJECTION_CHANNEL`, a dotted path to a class with `normalise` and `send`), so an SMS gateway can
replace it without touching the objection services."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from waibao.common.errors import DomainError
from waibao.common.mail import send_on_commit


class ContactChannel(Protocol):
    def normalise(self, contact: str) -> str:
        """The contact in the form the channel sends to; DomainError (field "contact") if it cannot."""

    def send(self, contact: str, code: str, *, minutes: int) -> None:
        """Send `code` to `contact` once the surrounding transaction commits."""


class EmailChannel:
    def normalise(self, contact: str) -> str:
        value = contact.strip()
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError(
                _("Enter an e-mail address: we send a code to it to confirm the objection."),
                code="contact_invalid",
                field="contact",
            ) from None
        local, _at, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"

    def send(self, contact: str, code: str, *, minutes: int) -> None:
        subject = _("Your code to confirm the objection: %(code)s") % {"code": code}
        body = _(
            "Someone (we hope you) lodged an objection on the public notice of the service-outsourcing programme "
            "with this address. Enter the code %(code)s on the page within %(minutes)s minutes to confirm it. "
            "If it was not you, ignore this message: nothing is done without the code."
        ) % {"code": code, "minutes": minutes}
        send_on_commit(subject, body, [contact])


def channel() -> ContactChannel:
    return import_string(settings.WAIBAO_OBJECTION_CHANNEL)()
