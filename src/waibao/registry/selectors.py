"""Reads of the registry: the enterprise list with its filters, sort orders and counts."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from waibao.common.i18n import is_english, localized
from waibao.common.money import from_fen
from waibao.common.plain_sql import column, table
from waibao.registry.models import (
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseClaim,
    EnterpriseStatus,
    OwnershipType,
    RequestStatus,
    ServiceCategory,
    Zone,
)

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


def descendant_codes(code: str, edges: Iterable[tuple[str, str | None]]) -> list[str]:
    """`code` and every code below it in a tree given as (code, parent) pairs, at any depth.

    GB/T 12402 ownership types and the service-category tree are hierarchical: 100 (domestic) covers
    150 (limited liability) and 151 (wholly state-owned) under it. Every filter and rollup that takes a
    parent code widens it with this, so a grandchild is never left out.
    """
    children: dict[str, list[str]] = {}
    for child, parent in edges:
        if parent:
            children.setdefault(parent, []).append(child)
    found = [code]
    seen = {code}
    for current in found:  # breadth first; `found` grows while it is walked
        for child in children.get(current, ()):
            if child not in seen:
                seen.add(child)
                found.append(child)
    return found


def ownership_codes_under(code: str) -> list[str]:
    """An ownership code and all its descendants (one small query)."""
    if not code:
        return []
    return descendant_codes(code, OwnershipType.objects.values_list("code", "parent_id"))


def category_codes_under(code: str) -> list[str]:
    """A service category and all its descendants (one small query)."""
    if not code:
        return []
    return descendant_codes(code, ServiceCategory.objects.values_list("code", "parent_id"))


class _Named:
    """A record named in both languages: `name` in the active one."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ZoneOption(_Named):
    """A zone as the filters and the pages name it: plain values, read back from the cache without the model's
    unpickling (some thirty Python calls a record)."""

    pk: int
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class CategoryOption(_Named):
    """A service category as the filters and the pages name it (see `ZoneOption`)."""

    code: str
    parent_id: str | None
    top_level: str
    name_zh: str
    name_en: str
    sort_order: int


@dataclass(frozen=True)
class OwnershipOption(_Named):
    """An ownership type as the filters and the pages name it (see `ZoneOption`); `str()` as the model's."""

    code: str
    parent_id: str | None
    name_zh: str
    name_en: str

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class FilterOptions:
    """What the filter drop-downs offer; also what the filters accept, and the names the pages show."""

    zones: list[ZoneOption]
    categories: list[CategoryOption]
    ownership_types: list[OwnershipOption]


def _read_options() -> FilterOptions:
    return FilterOptions(
        zones=[
            ZoneOption(pk=pk, code=code, name_zh=zh, name_en=en)
            for pk, code, zh, en in Zone.objects.values_list("pk", "code", "name_zh", "name_en")
        ],
        categories=[
            CategoryOption(code=code, parent_id=parent, top_level=top, name_zh=zh, name_en=en, sort_order=order)
            for code, parent, top, zh, en, order in ServiceCategory.objects.order_by("sort_order").values_list(
                "code", "parent_id", "top_level", "name_zh", "name_en", "sort_order"
            )
        ],
        ownership_types=[
            OwnershipOption(code=code, parent_id=parent, name_zh=zh, name_en=en)
            for code, parent, zh, en in OwnershipType.objects.values_list("code", "parent_id", "name_zh", "name_en")
        ],
    )


def filter_options() -> FilterOptions:
    """From the cache, with the registry's version (zones and categories change when the data set is loaded or a
    zone is saved): every list page of enterprises needs them, and they are the same for every reader."""
    from waibao.common import public_cache

    return public_cache.cached("registry-options", areas=(public_cache.REGISTRY,), compute=_read_options)


@dataclass(frozen=True)
class EnterpriseFilters:
    search: str = ""
    zone: str = ""
    category: str = ""
    status: str = ""
    ownership: str = ""
    sort: str = DEFAULT_SORT
    ignored: dict[str, str] = field(default_factory=dict)  # parameters that were not understood
    # The category and ownership codes with their descendants, when already known (from the options).
    category_codes: tuple[str, ...] = ()
    ownership_codes: tuple[str, ...] = ()

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
        category = pick("category", categories)
        owner = pick("ownership", ownership)
        return cls(
            search=str(params.get("q", "") or "").strip()[:100],
            zone=pick("zone", zones),
            category=category,
            status=pick("status", {s.value for s in EnterpriseStatus}),
            ownership=owner,
            sort=pick("sort", set(SORTS)) or DEFAULT_SORT,
            ignored=ignored,
            category_codes=tuple(descendant_codes(category, ((c.code, c.parent_id) for c in options.categories)))
            if category
            else (),
            ownership_codes=tuple(descendant_codes(owner, ((o.code, o.parent_id) for o in options.ownership_types)))
            if owner
            else (),
        )


def enterprise_list(filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("zone", "ownership_type")
    if filters.search:
        term = filters.search
        qs = qs.filter(Q(name_zh__icontains=term) | Q(name_en__icontains=term) | Q(credit_code__icontains=term.upper()))
    if filters.zone:
        qs = qs.filter(zone__code=filters.zone)
    if filters.category:
        # A category (ITO) matches enterprises in any category below it, at any depth.
        codes = filters.category_codes or category_codes_under(filters.category)
        links = Enterprise.categories.through.objects.filter(servicecategory_id__in=codes)
        qs = qs.filter(pk__in=links.values("enterprise_id"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.ownership:
        # A parent ownership code (100) matches all its descendants (110, 150, 151 …).
        qs = qs.filter(ownership_type_id__in=filters.ownership_codes or ownership_codes_under(filters.ownership))
    return qs.order_by(*SORTS[filters.sort])


# What a row of the enterprise list shows, in the order `enterprise_lines` reads them (the export reads its own).
LIST_FIELDS = ("pk", "name_zh", "name_en", "credit_code", "status", "zone_id", "registered_capital_cny", "employees")


@functools.cache
def _qualified(name: str) -> str:
    """An enterprise field's column with its table, quoted (once per process)."""
    return f"{table(Enterprise)}.{column(Enterprise, name)}"


class ListedEnterprises:
    """`enterprise_list(filters)` within a reader's scope (`access.enterprises_readable_sql`), as `LIST_FIELDS`
    values, for a `Paginator`: its count and the shown slice are each one plain SELECT built from the models'
    names. Through the ORM, building, counting and compiling the list cost the page some 1,900 Python calls, more
    than writing its rows; the export and the API keep `enterprise_list` (tests/registry/test_queries.py holds the
    two to the same rows for every filter and sort)."""

    def __init__(self, filters: EnterpriseFilters, scope: tuple[str, list[Any]]) -> None:
        conditions, params = [scope[0]] if scope[0] else [], [*scope[1]]
        if filters.search:
            term = filters.search
            like = connection.operators["icontains"]
            pattern = f"%{connection.ops.prep_for_like_query(term)}%"
            matches = []
            for name, value in (("name_zh", pattern), ("name_en", pattern), ("credit_code", pattern.upper())):
                matches.append(f"{connection.ops.lookup_cast('icontains', 'CharField') % _qualified(name)} {like}")
                params.append(value)
            conditions.append(f"({' OR '.join(matches)})")
        if filters.zone:
            zone_key, zone_code = column(Zone, "pk"), column(Zone, "code")
            conditions.append(f"{_qualified('zone')} IN (SELECT {zone_key} FROM {table(Zone)} WHERE {zone_code} = %s)")  # noqa: S608
            params.append(filters.zone)
        if filters.category:
            codes = filters.category_codes or tuple(category_codes_under(filters.category))
            link = Enterprise.categories.through
            linked, category = column(link, "enterprise"), column(link, "servicecategory")
            marks = ", ".join(["%s"] * len(codes))
            conditions.append(
                f"{_qualified('pk')} IN (SELECT {linked} FROM {table(link)} WHERE {category} IN ({marks}))"  # noqa: S608
            )
            params += codes
        if filters.status:
            conditions.append(f"{_qualified('status')} = %s")
            params.append(filters.status)
        if filters.ownership:
            codes = filters.ownership_codes or tuple(ownership_codes_under(filters.ownership))
            conditions.append(f"{_qualified('ownership_type')} IN ({', '.join(['%s'] * len(codes))})")
            params += codes
        self._where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        self._params = params
        self._order = ", ".join(
            f"{_qualified(name.lstrip('-'))} {'DESC' if name.startswith('-') else 'ASC'}"
            for name in SORTS[filters.sort]
        )

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table(Enterprise)}{self._where}", self._params)  # noqa: S608
            return int(cursor.fetchone()[0])

    def __getitem__(self, shown: slice) -> list[tuple[Any, ...]]:
        """The rows of one page (`Paginator` asks for `[bottom:top]`)."""
        start, stop = shown.start or 0, shown.stop
        if stop is None or shown.step is not None:
            raise TypeError("a page of the enterprise list is a slice with an end")
        columns = ", ".join(_qualified(name) for name in LIST_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {table(Enterprise)}{self._where} ORDER BY {self._order} LIMIT %s OFFSET %s",  # noqa: S608
                [*self._params, max(stop - start, 0), start],
            )
            rows = cursor.fetchall()
        # Registered capital is stored in fen (`MoneyField`): read back as the model reads it.
        return [(*row[:6], from_fen(row[6]), *row[7:]) for row in rows]


@dataclass(frozen=True)
class EnterpriseLine:
    """A row of the enterprise list: the enterprise's name in the active language, its zone and categories from
    the filter options."""

    pk: int
    name: str
    credit_code: str
    status: str
    zone: ZoneOption | None
    registered_capital_cny: Decimal
    employees: int
    categories: list[CategoryOption]


def enterprise_lines(values: Iterable[tuple[Any, ...]], options: FilterOptions) -> list[EnterpriseLine]:
    """The shown rows of an enterprise list read as plain values (`LIST_FIELDS`), with their zones and their
    categories (one query over the links) from the filter options already loaded.

    Enterprises as model instances, each with its categories instantiated again, were most of the page."""
    rows = list(values)
    zones = {z.pk: z for z in options.zones}
    by_code = {c.code: c for c in options.categories}
    rank = {c.code: n for n, c in enumerate(sorted(options.categories, key=lambda c: (c.sort_order, c.code)))}
    links: dict[int, list[str]] = {}
    for enterprise_id, code in _category_links([row[0] for row in rows]):
        links.setdefault(enterprise_id, []).append(code)
    english = is_english()
    return [
        EnterpriseLine(
            pk=pk,
            name=en if english and en else (zh or en),
            credit_code=credit_code,
            status=status,
            zone=zones.get(zone_id),
            registered_capital_cny=capital,
            employees=employees,
            categories=[by_code[code] for code in sorted(links.get(pk, ()), key=rank.__getitem__)],
        )
        for pk, zh, en, credit_code, status, zone_id, capital, employees in rows
    ]


def _category_links(enterprise_ids: list[int]) -> list[tuple[int, str]]:
    """The (enterprise, category code) links of these enterprises: one plain SELECT on the link table's index,
    without the ORM's compiler, which cost the list page five times what reading the links does."""
    if not enterprise_ids:
        return []
    link = Enterprise.categories.through
    enterprise, category = column(link, "enterprise"), column(link, "servicecategory")
    marks = ", ".join(["%s"] * len(enterprise_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {enterprise}, {category} FROM {table(link)} WHERE {enterprise} IN ({marks})",  # noqa: S608
            enterprise_ids,
        )
        return [(int(enterprise_id), str(code)) for enterprise_id, code in cursor.fetchall()]


def with_categories(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return qs.prefetch_related(Prefetch("categories", queryset=ServiceCategory.objects.order_by("sort_order")))


def status_counts(scope: Q | None = None) -> dict[str, int]:
    """Enterprises per status, within `scope` (a filter such as `access.enterprises_readable(user)`)."""
    rows = Enterprise.objects.filter(scope or Q()).values("status").annotate(n=Count("id")).order_by()
    return {r["status"]: r["n"] for r in rows}


def zones_with_counts() -> QuerySet[Zone]:
    return Zone.objects.annotate(enterprise_count=Count("enterprises")).prefetch_related(
        "focus_categories", "infrastructure__item"
    )


@dataclass(frozen=True)
class EnterpriseNames:
    """An enterprise's zone, ownership type and service categories in words, in the active language ("" when
    it has none)."""

    zone: str
    ownership_type: str
    categories: list[str]


def enterprise_names(enterprise: Enterprise, options: FilterOptions | None = None) -> EnterpriseNames:
    """The names of `enterprise`'s zone, ownership type and categories (in the categories' order) from the cached
    options and one plain read of its category links: its page showed them through three more model instances
    and a query of categories, which cost it as much as the rest of its content."""
    options = options or filter_options()
    zone = next((z for z in options.zones if z.pk == enterprise.zone_id), None)
    owner = next((o for o in options.ownership_types if o.code == enterprise.ownership_type_id), None)
    codes = {code for _enterprise, code in _category_links([enterprise.pk])}
    categories = sorted((c for c in options.categories if c.code in codes), key=lambda c: (c.sort_order, c.code))
    stale = (
        len(categories) < len(codes)
        or (zone is None and enterprise.zone_id is not None)
        or (owner is None and enterprise.ownership_type_id is not None)
    )
    if stale:
        # A zone, type or category the cached options do not hold (saved without replacing them): this
        # enterprise's are read from the database instead.
        return EnterpriseNames(
            zone=enterprise.zone.name if enterprise.zone else "",
            ownership_type=str(enterprise.ownership_type or ""),
            categories=[c.name for c in enterprise.categories.order_by("sort_order", "code")],
        )
    return EnterpriseNames(
        zone=zone.name if zone else "",
        ownership_type=str(owner) if owner else "",
        categories=[c.name for c in categories],
    )


def open_change_request(enterprise: Enterprise) -> EnterpriseChangeRequest | None:
    """The enterprise's open change request, if it has one (never more: `one_open_change_per_enterprise`).

    Most enterprises have none: one plain SELECT of its id says whether there is one (the ORM's compiler cost the
    profile page a tenth of its time for that), and the request is read only when there is."""
    key, of, status = (column(EnterpriseChangeRequest, name) for name in ("pk", "enterprise", "status"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key} FROM {table(EnterpriseChangeRequest)} WHERE {of} = %s AND {status} = %s",  # noqa: S608
            [enterprise.pk, RequestStatus.OPEN.value],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    # Decided since the line above: then there is none any more.
    return EnterpriseChangeRequest.objects.filter(pk=found[0], status=RequestStatus.OPEN).first()


def change_rows(change: Any) -> list[tuple[str, str, str]]:
    """(field label, recognised value, requested value) for a change request, in words."""
    from django.utils.translation import gettext as _

    def words(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if name == "zone":
            zone = Zone.objects.filter(pk=value).first()
            return zone.name if zone else "—"
        if name == "categories":
            return "、".join(c.name for c in ServiceCategory.objects.filter(pk__in=value).order_by("sort_order")) or "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)

    rows = []
    for name, value in change.changes.items():
        field = Enterprise._meta.get_field(name)
        label = _("Service categories") if name == "categories" else str(getattr(field, "verbose_name", name))
        rows.append((label, words(name, change.previous.get(name)), words(name, value)))
    return rows


def open_requests() -> tuple[list[Any], list[Any]]:
    """The office's queue: open change requests of recognised enterprises, and claims to registered codes."""
    changes = list(
        EnterpriseChangeRequest.objects.filter(status=RequestStatus.OPEN).select_related("enterprise", "requested_by")
    )
    claims = list(EnterpriseClaim.objects.filter(status=RequestStatus.OPEN).select_related("enterprise"))
    return changes, claims
