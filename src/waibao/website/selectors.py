"""Reads of the website: live pages by section, the latest items, events, registrations, the policy library."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page

from waibao.website.models import (
    EventPage,
    EventRegistration,
    NewsPage,
    NoticePage,
    SectionKind,
    SectionPage,
)


def sections() -> QuerySet[SectionPage]:
    return SectionPage.objects.live().public().order_by("path")


def section(kind: str) -> SectionPage | None:
    return sections().filter(kind=kind).first()


def section_items(section_page: SectionPage) -> Any:
    """The live items of a section as their own page classes (events: the coming ones first)."""
    children = section_page.get_children().live().public().specific()
    if section_page.kind == SectionKind.EVENTS:
        return EventPage.objects.child_of(section_page).live().public().order_by("-starts_at")
    return children.order_by("-first_published_at", "-pk")


def latest(model: type[Page], *, limit: int = 5) -> QuerySet[Any]:
    return model.objects.live().public().order_by("-first_published_at", "-pk")[:limit]


def latest_by_section(*, limit: int = 5) -> dict[str, Any]:
    return {
        "news": list(latest(NewsPage, limit=limit)),
        "notices": list(latest(NoticePage, limit=limit)),
        "events": list(upcoming_events()[:limit]),
    }


def upcoming_events() -> QuerySet[EventPage]:
    return EventPage.objects.live().public().filter(ends_at__gte=timezone.now()).order_by("starts_at")


def calendar_events() -> QuerySet[EventPage]:
    """Every live event of the last year and to come (the iCalendar feed)."""
    since = timezone.now() - timedelta(days=366)
    return EventPage.objects.live().public().filter(ends_at__gte=since).order_by("starts_at")


def registrations(event: EventPage) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(event=event).order_by("created_at", "pk")


def policy_library(as_of: date | None = None) -> dict[str, Any]:
    """The policy package as the library shows it: each article, its rules and the amounts in force today."""
    from waibao.policy.engine import default_package
    from waibao.policy.views import policy_context

    package = default_package()
    context = policy_context(package, as_of or timezone.localdate())
    by_id = {p["id"]: p for p in context["parameters"]}
    for article in context["articles"]:
        for rule in article["rules"]:
            rule["amounts"] = [by_id[pid] for pid in rule["parameters"] if pid in by_id]
    return context


def policy_article(article_id: str, as_of: date | None = None) -> tuple[dict[str, Any], dict[str, Any]] | None:
    context = policy_library(as_of)
    for article in context["articles"]:
        if article["id"] == article_id:
            return context, article
    return None


def interpretations_of(article_id: str) -> QuerySet[Any]:
    from waibao.website.models import InterpretationPage

    return InterpretationPage.objects.live().public().filter(policy_article=article_id).order_by("-first_published_at")
