"""Connections to Wagtail and to sign-in: the search index follows publication, a signing-in user's website group
follows their role. Each receiver calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from waibao.common import public_cache

WEBSITE_AREA = public_cache.WEBSITE  # the public cache's area of the site's pages and what the home page shows of them


@receiver(page_published)
def _page_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    from waibao.website.services import reindex_page

    reindex_page(instance)
    public_cache.changed(WEBSITE_AREA)


@receiver(page_unpublished)
def _page_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    from waibao.website import search

    search.remove([f"page:{instance.pk}"])
    public_cache.changed(WEBSITE_AREA)


@receiver(post_page_move)
def _page_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    public_cache.changed(WEBSITE_AREA)  # its address, its section's list and the menus change


@receiver(user_logged_in)
def _signed_in(sender: Any, user: Any, **kwargs: Any) -> None:
    from waibao.accounts.models import User
    from waibao.website.models import SiteHomePage
    from waibao.website.services import sync_editor

    # Until `load_defaults` has set the website up there is nothing to edit (and Wagtail's own sample groups
    # are left alone).
    if isinstance(user, User) and SiteHomePage.objects.exists():
        sync_editor(user)
