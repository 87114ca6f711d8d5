"""The Atom feed of published postings (newest first), in the reader's language."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from waibao.common.i18n import localized
from waibao.recruitment.models import Posting
from waibao.recruitment.selectors import public_postings

FEED_SIZE = 50


class PostingFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return _("Outsourcing jobs")

    def subtitle(self) -> str:
        return _("Jobs in service outsourcing, reviewed by the programme office.")

    def link(self) -> str:
        return reverse("recruitment:postings")

    def items(self) -> list[Posting]:
        return list(public_postings()[:FEED_SIZE])

    def item_title(self, item: Posting) -> str:
        return f"{item.title} · {item.enterprise.name}"

    def item_description(self, item: Posting) -> str:
        closes = _("Applications until %(date)s.") % {"date": item.closing_date.isoformat()}
        category = localized(item.category.name_zh, item.category.name_en)
        return f"{category}. {closes}\n\n{item.description[:1000]}"

    def item_link(self, item: Posting) -> str:
        return reverse("recruitment:posting", args=[item.pk])

    def item_guid(self, item: Posting) -> str:
        return self.request.build_absolute_uri(self.item_link(item))

    def item_pubdate(self, item: Posting) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Posting) -> datetime.datetime:
        return item.updated_at or timezone.now()

    def item_author_name(self, item: Posting) -> str:
        return item.enterprise.name
