"""RSS 2.0 and Atom feeds of news and of notices, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from waibao.website import selectors
from waibao.website.models import NewsPage, NoticePage, SitePage

FEED_ITEMS = 30


class _SiteFeed(Feed):
    model: type[SitePage] = NewsPage
    link = "/site/"

    def items(self) -> list[Any]:
        return list(selectors.latest(self.model, limit=FEED_ITEMS))

    def item_title(self, item: SitePage) -> str:
        return item.heading.text

    def item_description(self, item: SitePage) -> str:
        return item.summary.text or strip_tags(item.text.text)[:300]

    def item_link(self, item: SitePage) -> str:
        return item.url or "/site/"

    def item_pubdate(self, item: SitePage) -> Any:
        return item.first_published_at

    def item_updateddate(self, item: SitePage) -> Any:
        return item.last_published_at


class NewsFeed(_SiteFeed):
    model = NewsPage

    def title(self) -> str:
        return _("Service outsourcing news")

    def description(self) -> str:
        return _("News of the city's service-outsourcing programme.")


class NoticeFeed(_SiteFeed):
    model = NoticePage

    def title(self) -> str:
        return _("Notices of the service-outsourcing programme")

    def description(self) -> str:
        return _("Notices published by the programme office.")


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class NoticeAtomFeed(NoticeFeed):
    feed_type = Atom1Feed
    subtitle = NoticeFeed.description
