"""Django's `i18n` template library with a `{% translate %}` of a constant text rendered once per language.

Django's translate tag resolves its text, looks the translation up and formats it on every render: some 85 Python
calls, and a page's headings, labels and buttons hold dozens of them. A tag whose text, context and filters are all
constants (`{% translate "Zones" %}`, `{% translate "May" context "month" %}`) always renders the same output in a
given language, so each node keeps what it rendered per language (and escaping mode) and renders it again only in
a language it has not seen. Anything else (a variable, a filter, `as`) is Django's tag unchanged.

`TEMPLATES["OPTIONS"]["libraries"]` maps `{% load i18n %}` to this module for every template (ours, Django's admin
and Wagtail's); every other tag and filter of Django's library is the same object.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token, Variable
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class ConstantTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expression, context = self.filter_expression, self.message_context
        self.constant = (
            self.asvar is None
            and not expression.filters
            and isinstance(expression.var, Variable)
            and expression.var.literal is not None
            and (context is None or (not context.filters and not isinstance(context.var, Variable)))
        )
        self.rendered: dict[tuple[str | None, bool], SafeString | str] = {}

    def render(self, context: Any) -> SafeString | str:
        if not self.constant:
            return super().render(context)
        key = (get_language(), context.autoescape)
        found = self.rendered.get(key)
        if found is None:
            found = self.rendered[key] = super().render(context)
        return found


def _translate(parser: Parser, token: Token) -> ConstantTranslateNode:
    node = django_i18n.do_translate(parser, token)
    return ConstantTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


register.tag("translate", _translate)
register.tag("trans", _translate)
