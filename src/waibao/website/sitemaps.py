"""The sitemap: every live public page of the site (Wagtail's), and the policy library."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap


class PageSitemap(WagtailSitemap):
    pass


class LibrarySitemap(Sitemap):
    def items(self) -> list[str]:
        from waibao.policy.engine import default_package

        return ["", *default_package().articles.keys()]

    def location(self, item: Any) -> str:
        if not item:
            return reverse("website:library")
        return reverse("website:library_article", args=[item])
