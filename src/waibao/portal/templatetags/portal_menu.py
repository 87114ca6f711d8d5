"""The `{% main_menu %}` tag: the header's grouped menu for the signed-in role (built in waibao.portal.menu)."""

from __future__ import annotations

from typing import Any

from django import template

from waibao.accounts.access import user_role
from waibao.portal.menu import current_link
from waibao.portal.menu import main_menu as build_menu

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    menu = build_menu(user_role(user), signed_in=signed_in, path=getattr(request, "path", ""))
    return {"menu": menu, "user": user, "unread": context.get("unread")}


@register.simple_tag(takes_context=True)
def menu_here(context: template.Context) -> str:
    """The menu link this page belongs to ("" for none): with the role, all a rendered menu depends on."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return current_link(user_role(user), signed_in=signed_in, path=getattr(request, "path", "")) or ""
