"""`{% memo "name" a b … %}…{% endmemo %}`: a template fragment rendered once per process for each combination of
the values given (and of the active language and URL prefix), then reused.

For the parts of every page that follow from a handful of values — the main menu follows from the role, the
unread count and the language — yet cost more to render (two dozen `{% url %}` and `{% translate %}`) than the
rest of a short page. Everything the fragment shows must follow from the values listed: anything else (a name,
the request's path, a CSRF token) stays outside the block. At most `MAX_ENTRIES` fragments are kept, the least
recently used dropped first. With `DEBUG` on, nothing is kept (an edited template shows at once).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 512
_fragments: OrderedDict[Hashable, SafeString] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    """Forget every fragment (tests; a process never needs it: the values listed are the whole key)."""
    with _lock:
        _fragments.clear()


def _hashable(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


class MemoNode(template.Node):
    def __init__(self, name: FilterExpression, values: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        key = (
            getattr(getattr(self, "origin", None), "name", ""),  # the template holding the block
            str(self.name.resolve(context)),
            get_language(),
            get_script_prefix(),
            *(_hashable(v.resolve(context)) for v in self.values),
        )
        with _lock:
            found = _fragments.get(key)
            if found is not None:
                _fragments.move_to_end(key)
                return found
        rendered = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own rendered output
        with _lock:
            _fragments[key] = rendered
            while len(_fragments) > MAX_ENTRIES:
                _fragments.popitem(last=False)
        return rendered


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% memo %} needs a name: {% memo "nav" value … %}')
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], nodelist)
