"""Helpers for bilingual data: pick the Chinese or English name of a record for the active language."""

from __future__ import annotations

from django.utils.translation import get_language


def is_english() -> bool:
    return (get_language() or "zh-hans").lower().startswith("en")


def localized(zh: str, en: str) -> str:
    """The English text when English is active and the record has one; otherwise the Chinese."""
    if is_english() and en:
        return en
    return zh or en
