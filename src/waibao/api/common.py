"""What every router shares: the error body, the page envelope and the page parameters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from ninja import Query, Schema

T = TypeVar("T")
MAX_PAGE_SIZE = 200


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    """The body of every 4xx answer: a stable `code`, a `message` for people, the `field` at fault if any."""

    error: ErrorDetail


class PageParams(Schema):
    page: int = 1
    page_size: int = 50


class Page(Schema, Generic[T]):
    count: int
    page: int
    pages: int
    results: list[T]


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}


def page_query(page: int, page_size: int) -> tuple[int, int]:
    """Clamp the page parameters (a page past the last one answers the last page, as the pages do)."""
    from waibao.common.errors import UnprocessableError

    if page < 1:
        raise UnprocessableError("page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise UnprocessableError(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    return page, page_size


def paginate(items: Sequence[Any] | Any, page: int, page_size: int, out: Callable[[Any], Any]) -> dict[str, Any]:
    page, page_size = page_query(page, page_size)
    paginator = Paginator(items, page_size)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [out(x) for x in current.object_list],
    }


__all__ = ["ERRORS", "WRITE_ERRORS", "ErrorOut", "Page", "PageParams", "Query", "page_query", "paginate"]
