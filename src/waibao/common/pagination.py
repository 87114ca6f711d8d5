"""Paginators for lists whose count costs as much as their rows: Django's, told what the page already knows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told its count (counted with other figures of the page in one query) instead of counting."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class FirstPageFirstPaginator(Paginator):
    """A paginator that reads the first page, with one row more, before it counts: when that row is not there, the
    rows read are the whole list and no COUNT runs. An applicant's list mostly fits on its first page, and the
    count cost the page as much as reading it. A longer list, or another page, costs what counting first does:
    the count and one read of rows."""

    def __init__(self, object_list: Any, per_page: int, *, number: Any) -> None:
        super().__init__(object_list, per_page)
        self._head: list[Any] | None = None
        if number in (None, "", "1"):
            self._head = list(object_list[: per_page + 1])

    @cached_property
    def count(self) -> int:
        if self._head is not None and len(self._head) <= self.per_page:
            return len(self._head)
        return super().count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if number == 1 and self._head is not None:
            return Page(self._head[: self.per_page], number, self)
        return super().page(number)
