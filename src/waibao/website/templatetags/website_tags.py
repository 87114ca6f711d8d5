"""Template tags of the website: its sub-navigation, feed links, the latest items on the platform's home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("website/_site_nav.html")
def site_nav() -> dict[str, Any]:
    from waibao.website.selectors import sections

    return {"site_sections": list(sections())}


@register.simple_tag
def site_feed_links() -> SafeString:
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">'
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">',
        _("News"),
        reverse("website:news_rss"),
        _("Notices"),
        reverse("website:notices_rss"),
    )


def _brief(page: Any) -> dict[str, Any]:
    heading = page.heading
    return {
        "url": page.url,
        "title": heading.text,
        "zh": heading.fallback or not heading.en,
        "date": page.first_published_at,
    }


def _latest(limit: int) -> dict[str, Any]:
    from waibao.website import selectors
    from waibao.website.models import NewsPage, NoticePage, english, site_root

    root = site_root()
    return {
        "news": [_brief(p) for p in selectors.latest(NewsPage, limit=limit)],
        "notices": [_brief(p) for p in selectors.latest(NoticePage, limit=limit)],
        "site_url": root.url if root else "",
        "english": english(),
    }


@register.inclusion_tag("website/_latest.html")
def site_latest(limit: int = 5) -> dict[str, Any]:
    """The latest news and notices (the platform's home page shows them), from the public cache: the home page
    stays free of queries once cached; publishing or unpublishing a page renews it."""
    from waibao.common import public_cache
    from waibao.website.hooks import WEBSITE_AREA

    return {
        "latest": public_cache.cached(
            "website-latest", areas=(WEBSITE_AREA,), params=limit, compute=lambda: _latest(limit)
        )
    }


@register.simple_tag
def search_title(entry: Any) -> SafeString:
    from waibao.website.models import english

    if english() and entry.title_en:
        return format_html("{}", entry.title_en)
    if english():
        return format_html('<span lang="zh-hans">{}</span>', entry.title)
    return format_html("{}", entry.title)
