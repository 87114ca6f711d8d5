"""Free text from users: one check that refuses control characters, used by every form and service.

A line break in a name ends up in a mail header (a 500 after the change was saved) and in Excel exports;
other control characters (NUL, ESC, bidi overrides) hide or reorder what staff read. Names and other
one-line values refuse them all; multi-line text (reasons, objections) keeps line breaks and tabs only.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from waibao.common.errors import DomainError

MULTILINE_ALLOWED = frozenset("\n\r\t")
# Unicode "format" characters that reorder or hide text (bidi overrides and isolates, zero-width joiners are fine).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The control characters in `value` that are not allowed (empty when it is clean)."""
    found = []
    for ch in value:
        if multiline and ch in MULTILINE_ALLOWED:
            continue
        if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS or ch in "\u2028\u2029":
            found.append(ch)
    return found


def _message(multiline: bool) -> Any:
    if multiline:
        return _("Control characters are not allowed in this text.")
    return _("Line breaks and control characters are not allowed here.")


def clean_text(value: Any, *, field: str | None = None, multiline: bool = False, max_length: int | None = None) -> str:
    """`value` stripped; DomainError on a control character (or past `max_length`)."""
    text = "" if value is None else str(value).strip()
    if control_characters(text, multiline=multiline):
        raise DomainError(_message(multiline), code="control_characters", field=field)
    if max_length is not None and len(text) > max_length:
        raise DomainError(_("At most %(n)s characters.") % {"n": max_length}, code="too_long", field=field)
    return text


def validate_single_line(value: Any) -> None:
    """Django validator form of `clean_text` for one-line values."""
    if isinstance(value, str) and control_characters(value):
        raise ValidationError(_message(False), code="control_characters")


def validate_multiline(value: Any) -> None:
    """Django validator form of `clean_text` for multi-line values."""
    if isinstance(value, str) and control_characters(value, multiline=True):
        raise ValidationError(_message(True), code="control_characters")


def one_line(value: str) -> str:
    """Any text made safe for a single line (a mail subject): control characters become spaces."""
    return " ".join("".join(" " if control_characters(ch) else ch for ch in value).split())
