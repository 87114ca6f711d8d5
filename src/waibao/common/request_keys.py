"""Request keys for forms that move money: issued by the server per form and user, random, never guessable.

A form that records a payment, a release or a budget entry carries a token signed with the site's secret
(`issue_request_key`). On submission `redeem_request_key` checks the token was issued to the same user and
gives the ledger key it stands for (`<user id>-<random hex>`): submitting the same form twice records once,
and no user can name a key that collides with another user's step.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from waibao.common.errors import DomainError

SALT = "waibao.request-key"
MAX_AGE_SECONDS = 24 * 60 * 60  # a form left open longer is reloaded
TOKEN_MAX_LENGTH = 200


def _salt(user: Any) -> str:
    return f"{SALT}:{user.pk}"


def issue_request_key(user: Any) -> str:
    """A fresh token for one form shown to `user`."""
    return signing.TimestampSigner(salt=_salt(user)).sign(secrets.token_hex(16))


def redeem_request_key(user: Any, token: str) -> str:
    """The ledger key a token issued to `user` stands for; DomainError if it was not issued to them."""
    try:
        nonce = signing.TimestampSigner(salt=_salt(user)).unsign(str(token or ""), max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        raise DomainError(
            _("The form expired; please reload the page and try again."), code="request_key", field="idempotency_key"
        ) from None
    return f"{user.pk}-{nonce}"
