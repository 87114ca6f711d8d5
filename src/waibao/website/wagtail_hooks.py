"""Wagtail admin hooks: start the widgets whose inline scripts the Content-Security-Policy refuses (see
static/website/cms-inline.js), and a menu entry to the site."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def _start_inline_widgets() -> SafeString:
    return format_html('<script src="{}" defer></script>', static("website/cms-inline.js"))
