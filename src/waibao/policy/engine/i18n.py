"""Translation for the engine: Django's gettext when settings are configured, the English otherwise.

The engine runs without Django (benchmarks, scripts); pages and the CLI run with it and get Chinese.
"""

from __future__ import annotations


def gettext(message: str) -> str:
    """Translate `message` with Django when it is set up; return it unchanged when it is not."""
    from django.conf import settings

    if not settings.configured:
        return message
    from django.utils.translation import gettext as django_gettext

    return django_gettext(message)


def gettext_noop(message: str) -> str:
    """Mark a message for extraction; translated later by `gettext`."""
    return message
