"""The one label lookup: every code a person may see (a basis, fund, status, audit action, fact, parameter,
reason code …) turned into its name in the active language.

Codes are kept in namespaces. An app registers its codes once, in its AppConfig.ready(): either a mapping
code → lazy translated text (`register`), its TextChoices (`register_choices`), or a resolver that looks the
code up in data (`register_resolver`: funds from the ledger, facts and parameters from the policy package,
each with `name_zh` / `name_en`). Templates use `{{ code|label:"status" }}` (`{% load labels %}`); Python code
calls `label("status", code)`. A code nobody registered is shown humanised (never as snake_case), and
`unknown_codes()` lists them so a test can catch a missing registration.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from waibao.common.i18n import localized

Resolver = Callable[[str], str | None]

_LABELS: dict[str, dict[str, Any]] = {}
_RESOLVERS: dict[str, list[Resolver]] = {}
_UNKNOWN: set[tuple[str, str]] = set()


def register(namespace: str, labels: Mapping[str, Any]) -> None:
    """Register code → label (a lazy gettext string, or a (zh, en) pair) for `namespace`."""
    _LABELS.setdefault(namespace, {}).update(labels)


def register_choices(namespace: str, choices: type[models.TextChoices]) -> None:
    """Register a TextChoices' values with their (lazy) labels."""
    register(namespace, {str(member.value): member.label for member in choices})


def register_model_fields(namespace: str, model: type[models.Model]) -> None:
    """Field names of `model` by their verbose names (for the changes listed in a history)."""
    register(namespace, {f.name: f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")})


def register_resolver(namespace: str, resolver: Resolver) -> None:
    """A function code → label (or None) consulted after the registered labels (data: funds, facts …)."""
    _RESOLVERS.setdefault(namespace, []).append(resolver)


def _text(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2:
        return localized(str(value[0]), str(value[1]))
    return str(value)


def label(namespace: str, code: Any) -> str:
    """The name of `code` in the active language; a humanised form (and a note in `unknown_codes`) if unknown."""
    if code is None or code == "":
        return ""
    key = str(code)
    found = _LABELS.get(namespace, {}).get(key)
    if found is not None:
        return _text(found)
    for resolver in _RESOLVERS.get(namespace, []):
        text = resolver(key)
        if text:
            return text
    _UNKNOWN.add((namespace, key))
    return humanise(key)


def label_in(language: str | None, namespace: str, code: Any) -> str:
    """`label(namespace, code)` in `language`. A registered label is made once per process and language (the
    catalogues and the registrations do not change while it runs, and a translation costs some twenty calls each
    time): for pages that show the same few codes on every line. A resolver's label (data) is looked up each time."""
    key = "" if code is None else str(code)
    if key in _LABELS.get(namespace, {}):
        return _registered_label(language, namespace, key)
    from django.utils import translation

    with translation.override(language):
        return label(namespace, code)


@functools.lru_cache(maxsize=2048)
def _registered_label(language: str | None, namespace: str, key: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return _text(_LABELS[namespace][key])


def labeller() -> Callable[[str, Any], str]:
    """`label`, remembered for the rows of one page: each (namespace, code) is looked up once (a resolver may read
    the database, so nothing is kept beyond the function returned)."""
    seen: dict[tuple[str, Any], str] = {}

    def label_of(namespace: str, code: Any) -> str:
        if (namespace, code) not in seen:
            seen[namespace, code] = label(namespace, code)
        return seen[namespace, code]

    return label_of


def codes_by_label(namespace: str) -> dict[str, str]:
    """Every registered label of `namespace`, in each language and lower-cased, mapped back to its code
    (so an imported file may head its columns with the names people read instead of the codes)."""
    from django.conf import settings
    from django.utils import translation

    out: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, value in _LABELS.get(namespace, {}).items():
                out[_text(value).strip().lower()] = code
    return out


def has_label(namespace: str, code: str) -> bool:
    if code in _LABELS.get(namespace, {}):
        return True
    return any(resolver(code) for resolver in _RESOLVERS.get(namespace, []))


def humanise(code: str) -> str:
    """`software_export_usd` → `software export usd`: the last resort, so no snake_case reaches a screen."""
    return re.sub(r"[_.]+", " ", code).strip()


def unknown_codes() -> set[tuple[str, str]]:
    """The (namespace, code) pairs looked up without a label since the process started (for tests)."""
    return set(_UNKNOWN)


def namespaces() -> list[str]:
    return sorted(set(_LABELS) | set(_RESOLVERS))


def local_name(obj: Any) -> str:
    """A bilingual record's name in the active language (`name_zh` / `name_en`)."""
    return localized(getattr(obj, "name_zh", "") or "", getattr(obj, "name_en", "") or "")
