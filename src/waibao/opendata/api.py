"""Open-data endpoints (public, mounted at /api/v1/opendata): the catalogue, a dataset's releases and one
release's rows (paged). The files themselves are at /open-data/…"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.decorators import decorate_view

from waibao.api.common import ERRORS, Page, page_query
from waibao.common import public_cache
from waibao.opendata import selectors
from waibao.opendata.access import access_release
from waibao.opendata.catalogue import dataset_spec
from waibao.opendata.conf import OPENDATA_AREA
from waibao.opendata.models import Release

router = Router(tags=["opendata"])


class ReleaseOut(Schema):
    version: int
    released_on: date
    rows: int
    content_sha256: str
    downloads: dict[str, str]
    datapackage: str


class DatasetOut(Schema):
    code: str
    title: str
    description: str
    latest: ReleaseOut | None


class FieldOut(Schema):
    name: str
    type: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str


def _release(r: Release) -> dict[str, Any]:
    return {
        "version": r.version,
        "released_on": r.released_on,
        "rows": r.row_count,
        "content_sha256": r.content_sha256,
        "downloads": {
            fmt: reverse("opendata:download", args=[r.dataset, r.version, fmt]) for fmt in ("csv", "xlsx", "json")
        },
        "datapackage": reverse("opendata:datapackage", args=[r.dataset, r.version]),
    }


@router.get("/datasets", response={200: list[DatasetOut], **ERRORS}, auth=None)
@decorate_view(public_cache.public_page(OPENDATA_AREA))
def datasets(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": e.spec.code,
            "title": str(e.spec.title),
            "description": str(e.spec.description),
            "latest": _release(e.latest) if e.latest else None,
        }
        for e in selectors.catalogue()
    ]


@router.get("/datasets/{code}/releases", response={200: list[ReleaseOut], **ERRORS}, auth=None)
def releases(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    dataset_spec(code)
    return [_release(r) for r in selectors.releases_of(code)]


class RowsOut(Page[dict[str, Any]]):
    fields: list[FieldOut]


@router.get("/datasets/{code}/releases/{version}/rows", response={200: RowsOut, **ERRORS}, auth=None)
def rows(request: HttpRequest, code: str, version: int, page: int = 1, page_size: int = 100) -> dict[str, Any]:
    """A release's rows, a page at a time (the same rows as its files)."""
    dataset_spec(code)
    release = access_release(request.user, code, version)
    page, page_size = page_query(page, page_size)
    full = Release.objects.values_list("rows", "fields").get(pk=release.pk)
    all_rows, fields = full
    pages = max(1, -(-len(all_rows) // page_size))
    page = min(page, pages)
    return {
        "count": len(all_rows),
        "page": page,
        "pages": pages,
        "results": all_rows[(page - 1) * page_size : page * page_size],
        "fields": fields,
    }
