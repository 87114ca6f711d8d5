"""Mail the platform sends: absolute links, one-line subjects, sent after commit, and never fatal.

A change that was saved must not turn into an error page because the mail server refused a message or a
header was malformed: the failure is logged (logger `waibao.mail`) and the request goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from waibao.common.text import one_line

logger = logging.getLogger("waibao.mail")


def absolute_url(path: str) -> str:
    """`path` on the public site (`WAIBAO_SITE_URL`, e.g. https://waibao.example.gov.cn)."""
    return f"{str(settings.WAIBAO_SITE_URL).rstrip('/')}/{path.lstrip('/')}"


def send_now(subject: str, body: str, recipients: Sequence[str]) -> bool:
    """Send one message; False (and a log line) if it could not be sent, whatever the reason."""
    if not recipients:
        return True
    try:
        send_mail(one_line(subject)[:200], body, None, list(recipients), fail_silently=False)
    except Exception:  # a mail failure of any kind (SMTP, header, connection) must not fail the request
        logger.exception("mail to %d recipient(s) not sent: %s", len(recipients), one_line(subject)[:80])
        return False
    return True


def send_on_commit(subject: str, body: str, recipients: Sequence[str]) -> None:
    """Send once the surrounding transaction commits (nothing is sent if it rolls back)."""
    recipients = list(recipients)
    if recipients:
        transaction.on_commit(lambda: send_now(subject, body, recipients))
