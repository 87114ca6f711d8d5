"""Mail the platform sends: absolute links, one-line subjects, queued after commit, sent by the worker, never fatal.

A change that was saved must not turn into an error page because the mail server refused a message or a
header was malformed, nor wait for a slow mail server: `send_on_commit` queues the message for the background
worker (`waibao db_worker`, which `make run` starts beside the server) once the transaction commits, and the
worker sends it. A message the server refuses is tried again later (`RETRY_MINUTES`), then given up with a log
line (logger `waibao.mail`). If the queue itself cannot be written, the message is sent at once instead.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

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


# After a failed attempt, the next one waits this many minutes: five attempts over about two and a half hours.
RETRY_MINUTES = (1, 5, 30, 120)


@task()
def send_queued(subject: str, body: str, recipients: list[str], attempt: int = 0) -> bool:
    """The worker's task: send one message; if it fails, queue the next attempt (`RETRY_MINUTES`) or give up."""
    if send_now(subject, body, recipients):
        return True
    if attempt < len(RETRY_MINUTES) and send_queued.get_backend().supports_defer:
        later = timezone.now() + datetime.timedelta(minutes=RETRY_MINUTES[attempt])
        send_queued.using(run_after=later).enqueue(subject, body, recipients, attempt + 1)
    else:
        logger.error("mail to %d recipient(s) given up after %d attempts: %s", len(recipients), attempt + 1,
                     one_line(subject)[:80])  # fmt: skip
    return False


def _queue(subject: str, body: str, recipients: list[str]) -> None:
    try:
        send_queued.enqueue(subject, body, recipients)
    except Exception:  # the queue cannot be written (or the task refused): send now rather than lose the message
        logger.exception("mail not queued, sent at once: %s", one_line(subject)[:80])
        send_now(subject, body, recipients)


def send_on_commit(subject: str, body: str, recipients: Sequence[str]) -> None:
    """Queue for the worker once the surrounding transaction commits (nothing is sent if it rolls back)."""
    recipients = [str(r) for r in recipients]
    if recipients:
        subject, body = str(subject), str(body)  # lazy translations made text in the sender's language
        transaction.on_commit(lambda: _queue(subject, body, recipients))
