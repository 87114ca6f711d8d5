"""The website's own routes, mounted at /site/ before Wagtail's page routes (config/urls.py)."""

from __future__ import annotations

from django.urls import path, re_path
from wagtail.contrib.sitemaps.views import sitemap

from waibao.website import feeds, views
from waibao.website.sitemaps import LibrarySitemap, PageSitemap

app_name = "website"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/<str:article_id>/", views.library_article, name="library_article"),
    path("search/", views.site_search, name="search"),
    path("feeds/news.rss", feeds.NewsFeed(), name="news_rss"),
    path("feeds/news.atom", feeds.NewsAtomFeed(), name="news_atom"),
    path("feeds/notices.rss", feeds.NoticeFeed(), name="notices_rss"),
    path("feeds/notices.atom", feeds.NoticeAtomFeed(), name="notices_atom"),
    path("feeds/events.ics", views.calendar_feed, name="events_ics"),
    path("events/<int:page_id>/event.ics", views.event_ical, name="event_ics"),
    path("events/<int:page_id>/registrations/", views.registrations, name="registrations"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap, "library": LibrarySitemap}}, name="sitemap"),
    re_path(r"^media/(?P<path>.+)$", views.rendition, name="rendition"),
    # The pages (Wagtail's serve pattern but its own `_util/` routes, after every route above): see `views.serve_page`.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.serve_page, name="page"),
]
