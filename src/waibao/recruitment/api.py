"""Recruitment endpoints, read-only (mounted by the API at /api/v1/careers): the published postings, for other
job sites. No person's data is served here: postings only, with the enterprise's public name."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router
from ninja.decorators import decorate_view

from waibao.common import public_cache
from waibao.common.errors import UnprocessableError
from waibao.common.mail import absolute_url
from waibao.recruitment.access import access_posting
from waibao.recruitment.jsonld import posting_data
from waibao.recruitment.models import Posting, PostingStatus, WorkLanguage
from waibao.recruitment.selectors import BANDS, PostingFilters, public_postings
from waibao.registry.models import ServiceCategory, Zone

router = Router(tags=["careers"])
MAX_PAGE_SIZE = 100


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _row(posting: Posting) -> dict[str, Any]:
    return {
        "id": posting.pk,
        "title": posting.title,
        "enterprise": {"name_zh": posting.enterprise.name_zh, "name_en": posting.enterprise.name_en},
        "category": posting.category_id,
        "zone": posting.zone.code if posting.zone else None,
        "languages": list(posting.languages),
        "salary_min_cny": _money(posting.salary_min_cny),
        "salary_max_cny": _money(posting.salary_max_cny),
        "openings": posting.openings,
        "closing_date": posting.closing_date.isoformat(),
        "status": posting.status,
        "status_label": str(PostingStatus(posting.status).label),
        "url": absolute_url(reverse("recruitment:posting", args=[posting.pk])),
    }


@router.get("/postings", auth=None)
@decorate_view(
    public_cache.public_page(
        public_cache.RECRUITMENT,
        public_cache.REGISTRY,
        params=("q", "category", "zone", "language", "salary_band", "include_closed", "page", "page_size"),
        moment=public_cache.today,
    )
)
def postings(
    request: HttpRequest,
    q: str = "",
    category: str = "",
    zone: str = "",
    language: str = "",
    salary_band: str = "",
    include_closed: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """Published postings, newest first (closed ones too with `include_closed`), filtered like the site's search:
    `category` (a service category or a top level: ito, bpo, kpo), `zone` code, `language` (zh, en, ja …),
    `salary_band` (under-5000, 5000-8000, 8000-12000, 12000-20000, 20000-plus). Monthly salary in CNY."""
    if category and not ServiceCategory.objects.filter(code=category).exists():
        raise UnprocessableError(f"unknown category {category!r}", field="category", code="unknown_code")
    if zone and not Zone.objects.filter(code=zone).exists():
        raise UnprocessableError(f"unknown zone {zone!r}", field="zone", code="unknown_code")
    if language and language not in WorkLanguage.values:
        raise UnprocessableError(f"language must be one of {', '.join(WorkLanguage.values)}", field="language")
    if salary_band and salary_band not in BANDS:
        raise UnprocessableError(f"salary_band must be one of {', '.join(BANDS)}", field="salary_band")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise UnprocessableError(f"page from 1, page_size from 1 to {MAX_PAGE_SIZE}", field="page")
    filters = PostingFilters(
        query=q.strip()[:100],
        category=category,
        zone=zone,
        language=language,
        salary_band=salary_band,
        include_closed=include_closed,
    )
    paginator = Paginator(public_postings(filters), page_size)
    if page > max(paginator.num_pages, 1):
        raise UnprocessableError(f"page {page} is past the last page ({paginator.num_pages})", field="page")
    return {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "results": [_row(p) for p in paginator.page(page).object_list],
    }


@router.get("/postings/{posting_id}", auth=None)
def posting(request: HttpRequest, posting_id: int) -> dict[str, Any]:
    """One posting with its description and its schema.org JobPosting (drafts: its enterprise and the office)."""
    item = access_posting(request.user, posting_id)
    return {**_row(item), "description": item.description, "job_posting": posting_data(item, request=request)}
