"""Identity numbers of natural persons (个人信息保护法): validation, keyed hash, masked form, protected storage.

Every area that records a person (trainees now, job seekers later) stores the number three ways and never
in clear:

- `id_hash`: HMAC-SHA256 of "<type>:<number>" with `settings.WAIBAO_PERSONAL_ID_HASH_KEY` (not in the
  database), so the same person is found again (duplicates) without the number being readable;
- `id_masked`: `3301**********1234`, what every page shows;
- `id_encrypted`: the whole number encrypted with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) under
  `settings.WAIBAO_PERSONAL_DATA_KEYS` (environment, comma-separated, newest first: `MultiFernet` reads with
  any of them and writes with the first, so keys can be rotated). Reading it whole is a service that writes
  an audit event each time (`talent.services.trainee_id_reveal`).

Resident identity numbers (GB 11643-1999) are checked: 18 characters, a real date of birth, and the check
character (ISO 7064 MOD 11-2).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waibao.common.errors import DomainError


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", gettext_lazy("Resident identity card")
    PASSPORT = "passport", gettext_lazy("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", gettext_lazy("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", gettext_lazy("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", gettext_lazy("Foreign permanent resident ID card")


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
OTHER_ID = re.compile(r"^[A-Z0-9]{5,20}$")


def resident_id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(id_type: str, number: str) -> str:
    """The number as stored and compared: no spaces or hyphens, upper case; refused with a message if invalid."""
    if id_type not in IdType.values:
        raise DomainError(_("Choose the kind of identity document."), code="id_type", field="id_type")
    value = re.sub(r"[\s-]", "", str(number or "")).upper()
    if id_type == IdType.RESIDENT_ID:
        if not RESIDENT_ID.match(value):
            raise DomainError(
                _("A resident identity number has 18 characters: 17 digits and a check digit or X."),
                code="id_number",
                field="id_number",
            )
        try:
            datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            raise DomainError(
                _("The date of birth in this identity number does not exist."), code="id_number", field="id_number"
            ) from None
        if resident_id_check_character(value[:17]) != value[17]:
            raise DomainError(
                _("The check character of this identity number is wrong: please check the number."),
                code="id_number",
                field="id_number",
            )
        return value
    if not OTHER_ID.match(value):
        raise DomainError(
            _("Enter the document number: 5 to 20 letters and digits."), code="id_number", field="id_number"
        )
    return value


def id_hash(id_type: str, number: str) -> str:
    """The keyed hash used to find the same person again (the key is not in the database)."""
    key = settings.WAIBAO_PERSONAL_ID_HASH_KEY.encode()
    return hmac.new(key, f"{id_type}:{number}".encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """`3301**********1234`: the first and last four characters (fewer for short numbers)."""
    keep = 4 if len(number) >= 12 else 2 if len(number) >= 6 else 1
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.WAIBAO_PERSONAL_DATA_KEYS if k.strip()]
    if not keys:
        raise RuntimeError("WAIBAO_PERSONAL_DATA_KEYS is not set")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DomainError(_("This identity number cannot be read with the keys configured."), code="id_key") from None


@dataclass(frozen=True)
class ProtectedId:
    """What is stored for one identity number."""

    id_type: str
    id_hash: str
    id_masked: str
    id_encrypted: str


def protect(id_type: str, number: str) -> ProtectedId:
    value = normalise(id_type, number)
    return ProtectedId(
        id_type=id_type, id_hash=id_hash(id_type, value), id_masked=mask(value), id_encrypted=encrypt(value)
    )


# Patterns that give a person away in text meant for the public (used by tests and the notice's checks).
RESIDENT_ID_IN_TEXT = re.compile(
    r"(?<![\dA-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
)
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
