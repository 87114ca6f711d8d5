"""Translation for the engine: Django's gettext when settings are configured, the English otherwise.

The engine runs without Django (benchmarks, scripts); pages and the CLI run with it and get Chinese.
"""

from __future__ import annotations

from typing import Any, Protocol


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


class Words(Protocol):
    """Names facts and parameters and shows values in explanations (the platform's labels; see policy.labels)."""

    def name(self, key: str, code: Any) -> str | None: ...

    def value(self, key: str, value: Any, entry: dict[str, Any]) -> str | None: ...


_WORDS: list[Words] = []


def set_words(words: Words) -> None:
    """Installed by the policy app: without it (the engine on its own) explanations show codes and raw values."""
    _WORDS[:] = [words]


def words() -> Words | None:
    return _WORDS[0] if _WORDS else None
