"""Django's template backend, whose check on tag libraries knows the one name the platform maps on purpose.

`TEMPLATES["OPTIONS"]["libraries"]` maps `i18n` to `waibao.common.templatetags.fast_i18n` (Django's library with
constant translations rendered once per language). Django's check warns of every library name that two modules
use (templates.W003); this one leaves out exactly that deliberate mapping and warns of any other as Django does.
"""

from __future__ import annotations

from typing import Any

from django.template.backends.django import DjangoTemplates as DjangoBackend

DELIBERATE = {"i18n": ("django.templatetags.i18n", "waibao.common.templatetags.fast_i18n")}


def _message(name: str, modules: tuple[str, ...]) -> str:
    """Django's wording of the warning (django.template.backends.django)."""
    return f"{name!r} is used for multiple template tag modules: " + ", ".join(repr(m) for m in sorted(modules))


class DjangoTemplates(DjangoBackend):
    def _check_for_template_tags_with_the_same_name(self) -> list[Any]:
        expected = {_message(name, modules) for name, modules in DELIBERATE.items()}
        found = super()._check_for_template_tags_with_the_same_name()  # type: ignore[misc]  # private in the stubs
        return [w for w in found if w.msg not in expected]
