"""Website endpoints (mounted at /api/v1/website): the live, public pages of the website for anyone, by section,
and one page with its text in both languages (rich text as HTML with its internal links resolved). Drafts,
unpublished or private pages and event registrations are never answered here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from wagtail.rich_text import expand_db_html

from waibao.api.common import ERRORS, Page, paginate
from waibao.common.errors import NotFoundError, UnprocessableError
from waibao.website import selectors
from waibao.website.models import ITEM_MODELS, EventPage, SectionKind, SitePage

router = Router(tags=["website"])


class PageOut(Schema):
    id: int
    section: str
    kind: str
    title_zh: str
    title_en: str
    intro_zh: str
    intro_en: str
    url: str
    published_at: datetime | None
    valid_until: date | None = None
    policy_article: str | None = None
    event: dict[str, Any] | None = None


class PageDetailOut(PageOut):
    body_zh: str
    body_en: str


def _event(page: EventPage) -> dict[str, Any]:
    return {
        "kind": page.kind,
        "starts_at": page.starts_at.isoformat(),
        "ends_at": page.ends_at.isoformat(),
        "location_zh": page.location,
        "location_en": page.location_en,
        "registration": page.registration_state(),
    }


def page_out(page: SitePage, section: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": page.pk,
        "section": section,
        "kind": page.specific_class._meta.model_name if page.specific_class else "",
        "title_zh": page.title,
        "title_en": page.title_en,
        "intro_zh": page.intro,
        "intro_en": page.intro_en,
        "url": page.url or "",
        "published_at": page.first_published_at,
        "valid_until": getattr(page, "valid_until", None),
        "policy_article": getattr(page, "policy_article", None) or None,
        "event": _event(page) if isinstance(page, EventPage) else None,
    }
    return out


@router.get("/sections", response={200: list[str], **ERRORS}, auth=None)
def sections(request: HttpRequest) -> list[str]:
    """Anyone: the sections of the website that are live (news, notices, interpretations, events, guides)."""
    return [s.kind for s in selectors.sections()]


@router.get("/pages", response={200: Page[PageOut], **ERRORS}, auth=None)
def pages(request: HttpRequest, section: str, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    """Anyone: the live pages of one section, newest first (events: the latest start first)."""
    if section not in SectionKind.values:
        raise UnprocessableError(
            "section must be one of: " + ", ".join(SectionKind.values), code="unknown_value", field="section"
        )
    found = selectors.section(section)
    if found is None:
        return {"count": 0, "page": 1, "pages": 1, "results": []}
    return paginate(selectors.section_items(found), page, page_size, lambda p: page_out(p, section))


@router.get("/pages/{page_id}", response={200: PageDetailOut, **ERRORS}, auth=None)
def page_detail(request: HttpRequest, page_id: int) -> dict[str, Any]:
    """Anyone: one live, public page of the website with its text in both languages."""
    if not 0 < page_id <= 2_147_483_647:
        raise NotFoundError()
    for model in ITEM_MODELS:
        found = model.objects.live().public().filter(pk=page_id).first()
        if found is not None:
            parent = found.get_parent().specific
            return {
                **page_out(found, getattr(parent, "kind", "")),
                "body_zh": expand_db_html(found.body or ""),
                "body_en": expand_db_html(found.body_en or ""),
            }
    raise NotFoundError()
