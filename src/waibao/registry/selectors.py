"""Reads of the registry: the enterprise list with its filters, sort orders and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from waibao.registry.models import Enterprise, EnterpriseStatus, OwnershipType, ServiceCategory, Zone

SORTS = {
    "name": ("name_zh", "id"),
    "-name": ("-name_zh", "-id"),
    "capital": ("registered_capital_cny", "id"),
    "-capital": ("-registered_capital_cny", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "employees": ("employees", "id"),
    "-employees": ("-employees", "-id"),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class FilterOptions:
    """What the filter drop-downs offer; also what the filters accept."""

    zones: list[Zone]
    categories: list[ServiceCategory]
    ownership_types: list[OwnershipType]


def filter_options() -> FilterOptions:
    return FilterOptions(
        zones=list(Zone.objects.all()),
        categories=list(ServiceCategory.objects.order_by("sort_order")),
        ownership_types=list(OwnershipType.objects.all()),
    )


@dataclass(frozen=True)
class EnterpriseFilters:
    search: str = ""
    zone: str = ""
    category: str = ""
    status: str = ""
    ownership: str = ""
    sort: str = DEFAULT_SORT
    ignored: dict[str, str] = field(default_factory=dict)  # parameters that were not understood

    @classmethod
    def from_query(cls, params: Any, options: FilterOptions | None = None) -> EnterpriseFilters:
        """Read filters from a query string, dropping (and reporting) values that are not valid."""
        options = options or filter_options()
        ignored: dict[str, str] = {}

        def pick(name: str, valid: set[str]) -> str:
            value = str(params.get(name, "") or "").strip()
            if value and value not in valid:
                ignored[name] = value
                return ""
            return value

        zones = {z.code for z in options.zones}
        categories = {c.code for c in options.categories}
        ownership = {o.code for o in options.ownership_types}
        return cls(
            search=str(params.get("q", "") or "").strip()[:100],
            zone=pick("zone", zones),
            category=pick("category", categories),
            status=pick("status", {s.value for s in EnterpriseStatus}),
            ownership=pick("ownership", ownership),
            sort=pick("sort", set(SORTS)) or DEFAULT_SORT,
            ignored=ignored,
        )


def enterprise_list(filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("zone", "ownership_type")
    if filters.search:
        term = filters.search
        qs = qs.filter(Q(name_zh__icontains=term) | Q(name_en__icontains=term) | Q(credit_code__icontains=term.upper()))
    if filters.zone:
        qs = qs.filter(zone__code=filters.zone)
    if filters.category:
        # A top-level category (ITO) matches enterprises in any of its sub-categories too.
        codes = ServiceCategory.objects.filter(Q(code=filters.category) | Q(parent_id=filters.category)).values("code")
        links = Enterprise.categories.through.objects.filter(servicecategory_id__in=codes)
        qs = qs.filter(pk__in=links.values("enterprise_id"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.ownership:
        # A parent ownership code (100) matches its children (110, 150 …).
        qs = qs.filter(Q(ownership_type_id=filters.ownership) | Q(ownership_type__parent_id=filters.ownership))
    return qs.order_by(*SORTS[filters.sort])


def categories_of(
    enterprises: list[Enterprise], categories: list[ServiceCategory]
) -> list[tuple[Enterprise, list[ServiceCategory]]]:
    """Each enterprise with its categories, from one query over the links and the categories already loaded
    (the filter options), instead of instantiating every enterprise's categories again."""
    by_code = {c.code: c for c in categories}
    links: dict[int, list[ServiceCategory]] = {}
    through = Enterprise.categories.through.objects.filter(enterprise_id__in=[e.pk for e in enterprises])
    for enterprise_id, code in through.values_list("enterprise_id", "servicecategory_id"):
        links.setdefault(enterprise_id, []).append(by_code[code])
    return [(e, sorted(links.get(e.pk, []), key=lambda c: (c.sort_order, c.code))) for e in enterprises]


def with_categories(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return qs.prefetch_related(Prefetch("categories", queryset=ServiceCategory.objects.order_by("sort_order")))


def status_counts() -> dict[str, int]:
    rows = Enterprise.objects.values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def zones_with_counts() -> QuerySet[Zone]:
    return Zone.objects.annotate(enterprise_count=Count("enterprises")).prefetch_related(
        "focus_categories", "infrastructure__item"
    )
