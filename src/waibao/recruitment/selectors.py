"""Reads of the recruitment site: the public search, each role's lists, the catalogue of scarce talent."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from waibao.common import public_cache
from waibao.common.i18n import is_english
from waibao.recruitment.models import (
    PUBLIC_STATES,
    Candidacy,
    CandidacyStatus,
    JobSeeker,
    Posting,
    PostingStatus,
    ScarceTalent,
    ScarceTalentBenefit,
)


@dataclass(frozen=True)
class SalaryBand:
    code: str
    low: int | None  # CNY a month, inclusive
    high: int | None  # exclusive
    label: object


SALARY_BANDS = (
    SalaryBand("under-5000", None, 5000, _("Under 5,000 a month")),
    SalaryBand("5000-8000", 5000, 8000, _("5,000 to 8,000 a month")),
    SalaryBand("8000-12000", 8000, 12000, _("8,000 to 12,000 a month")),
    SalaryBand("12000-20000", 12000, 20000, _("12,000 to 20,000 a month")),
    SalaryBand("20000-plus", 20000, None, _("20,000 a month and more")),
)
BANDS = {band.code: band for band in SALARY_BANDS}


@dataclass(frozen=True)
class PostingFilters:
    query: str = ""
    category: str = ""  # a service category code: itself, or every category under a top level
    zone: str = ""  # a zone code
    language: str = ""
    salary_band: str = ""
    include_closed: bool = False


def _band_q(band: SalaryBand) -> Q:
    """Postings whose salary range meets the band (a posting without any salary is never in a band)."""
    q = Q(salary_min_cny__isnull=False) | Q(salary_max_cny__isnull=False)
    if band.low is not None:
        q &= Q(salary_max_cny__gte=Decimal(band.low)) | Q(
            salary_max_cny__isnull=True, salary_min_cny__gte=Decimal(band.low)
        )
    if band.high is not None:
        q &= Q(salary_min_cny__lt=Decimal(band.high)) | Q(
            salary_min_cny__isnull=True, salary_max_cny__lt=Decimal(band.high)
        )
    return q


def public_postings(filters: PostingFilters = PostingFilters()) -> QuerySet[Posting]:
    """Published postings (and, when asked, closed ones), newest first, filtered."""
    states = PUBLIC_STATES if filters.include_closed else (PostingStatus.PUBLISHED,)
    qs = Posting.objects.filter(status__in=states).select_related("enterprise", "category", "zone")
    if filters.query:
        qs = qs.filter(
            Q(title__icontains=filters.query)
            | Q(description__icontains=filters.query)
            | Q(enterprise__name_zh__icontains=filters.query)
            | Q(enterprise__name_en__icontains=filters.query)
        )
    if filters.category:
        qs = qs.filter(Q(category_id=filters.category) | Q(category__parent_id=filters.category))
    if filters.zone:
        qs = qs.filter(zone__code=filters.zone)
    if filters.language:
        # JSON list membership, the same on SQLite and PostgreSQL: the codes are stored as "xx" strings.
        qs = qs.filter(languages__icontains=f'"{filters.language}"')
    band = BANDS.get(filters.salary_band)
    if band is not None:
        qs = qs.filter(_band_q(band))
    return qs.order_by("status", "-published_at", "-pk")


# What the job board's card shows of a posting (`recruitment_tags.posting_cards`), read as plain values: a page of
# postings built as models with their enterprise, category and zone cost the board some 130 Python calls a card.
CARD_COLUMNS = (
    "pk",
    "title",
    "status",
    "closing_date",
    "salary_min_cny",
    "salary_max_cny",
    "languages",
    "enterprise__name_zh",
    "enterprise__name_en",
    "category__name_zh",
    "category__name_en",
    "zone__name_zh",
    "zone__name_en",
)


class PostingCard(TypedDict):
    """A posting as the job board's card shows it: names in the reader's language, the rest as stored."""

    pk: int
    title: str
    status: str
    closing_date: datetime.date
    salary_min_cny: Decimal | None
    salary_max_cny: Decimal | None
    languages: list[str]
    enterprise: str
    category: str
    zone: str  # "" for a posting without a zone


def posting_cards(rows: Iterable[Sequence[Any]]) -> list[PostingCard]:
    """The cards of `rows` read as `values_list(*CARD_COLUMNS)` (a page of `public_postings`)."""
    english = is_english()

    def name(zh: str | None, en: str | None) -> str:  # `localized`, the language read once for the page
        return (en if english and en else zh or en) or ""

    cards: list[PostingCard] = []
    for row in rows:
        pk, title, status, closing_date, low, high, languages, *names = row
        enterprise_zh, enterprise_en, category_zh, category_en, zone_zh, zone_en = names
        cards.append(
            {
                "pk": pk,
                "title": title,
                "status": status,
                "closing_date": closing_date,
                "salary_min_cny": low,
                "salary_max_cny": high,
                "languages": languages or [],
                "enterprise": name(enterprise_zh, enterprise_en),
                "category": name(category_zh, category_en),
                "zone": name(zone_zh, zone_en),
            }
        )
    return cards


def board_page(filters: PostingFilters, number: str | None, *, per_page: int) -> tuple[list[PostingCard], int, int]:
    """A page of the job board: its cards, the number of postings found and the page's number (as
    `Paginator.get_page` reads `number`), in the reader's language.

    Kept in the public cache with the board's own versions (the anonymous board is kept whole under the same ones):
    the cards follow from postings, which change only through the recruitment services (`RECRUITMENT`), and from
    enterprises', categories' and zones' names, which the registry's services mark (`REGISTRY`). Signed-in readers
    thus skip the count and the page's query, which cost the board more than the rest of it."""

    def compute() -> tuple[list[PostingCard], int, int]:
        found = Paginator(public_postings(filters).values_list(*CARD_COLUMNS), per_page).get_page(number)
        return posting_cards(found.object_list), found.paginator.count, found.number

    return public_cache.cached(
        "recruitment-board-page",
        areas=(public_cache.RECRUITMENT, public_cache.REGISTRY),
        params=(filters, per_page, str(number)),
        compute=compute,
    )


def enterprise_postings(enterprise_id: int) -> QuerySet[Posting]:
    return (
        Posting.objects.filter(enterprise_id=enterprise_id)
        .select_related("category", "zone")
        .annotate(
            applicants=Count("candidacies", distinct=True),
            hired=Count("candidacies", filter=Q(candidacies__status=CandidacyStatus.HIRED), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def review_queue() -> QuerySet[Posting]:
    return (
        Posting.objects.filter(status=PostingStatus.SUBMITTED)
        .select_related("enterprise", "category", "zone")
        .order_by("updated_at", "pk")
    )


def office_postings() -> QuerySet[Posting]:
    return Posting.objects.select_related("enterprise", "category", "zone").order_by("-updated_at", "-pk")


def applicants(posting: Posting) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(posting=posting)
        .select_related("seeker", "seeker__user")
        .order_by("status", "created_at", "pk")
    )


def seeker_candidacies(seeker: JobSeeker) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(seeker=seeker)
        .select_related("posting", "posting__enterprise")
        .order_by("-created_at", "-pk")
    )


def applied_posting_ids(seeker: JobSeeker | None) -> set[int]:
    if seeker is None:
        return set()
    return set(Candidacy.objects.filter(seeker=seeker).values_list("posting_id", flat=True))


def catalogue() -> tuple[list[ScarceTalent], list[ScarceTalentBenefit]]:
    talents = list(ScarceTalent.objects.select_related("category", "category__parent").order_by("sort_order", "code"))
    return talents, list(ScarceTalentBenefit.objects.order_by("sort_order", "code"))


def open_postings_in(category_codes: set[str], *, today: datetime.date) -> dict[str, int]:
    """How many published postings each category has (the catalogue links to them)."""
    rows = (
        Posting.objects.filter(status=PostingStatus.PUBLISHED, closing_date__gte=today)
        .values_list("category_id", "category__parent_id")
        .order_by()
    )
    counts: dict[str, int] = {}
    for category, parent in rows:
        for code in (category, parent):
            if code in category_codes:
                counts[code] = counts.get(code, 0) + 1
    return counts
