"""Working-day calendar endpoints (public, mounted at /api/v1/workdays): the confirmed years and their days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.decorators import decorate_view

from waibao.api.common import ERRORS
from waibao.common import public_cache
from waibao.common.errors import NotFoundError
from waibao.workdays.models import CalendarYear
from waibao.workdays.selectors import add_working_days, calendar_year_days, calendar_years, is_working_day

router = Router(tags=["workdays"])


class YearOut(Schema):
    year: int
    document: str


class DayOut(Schema):
    date: dt.date
    kind: str
    name_zh: str
    name_en: str


class YearDetailOut(YearOut):
    days: list[DayOut]


class WorkingDayOut(Schema):
    date: dt.date
    working_day: bool
    plus_days: int
    result: dt.date


@router.get("/years", response={200: list[YearOut], **ERRORS}, auth=None)
@decorate_view(public_cache.public_page(public_cache.WORKDAYS))
def years(request: HttpRequest) -> list[dict[str, Any]]:
    """The years whose holidays and working weekends the office has entered (from the State Council's notice)."""
    return [{"year": y.year, "document": y.document} for y in calendar_years()]


@router.get("/years/{year}", response={200: YearDetailOut, **ERRORS}, auth=None)
def year_detail(request: HttpRequest, year: int) -> dict[str, Any]:
    found = CalendarYear.objects.filter(year=year).first()
    if found is None:
        raise NotFoundError()
    days = [
        {"date": d.date, "kind": d.kind, "name_zh": d.name_zh, "name_en": d.name_en} for d in calendar_year_days(year)
    ]
    return {"year": found.year, "document": found.document, "days": days}


@router.get("/working-day", response={200: WorkingDayOut, **ERRORS}, auth=None)
def working_day(request: HttpRequest, date: dt.date, plus_days: int = 0) -> dict[str, Any]:
    """Whether `date` is a working day, and the date `plus_days` working days later (0 to 250). A year the
    office has not confirmed is refused (422)."""
    from waibao.common.errors import UnprocessableError

    if not 0 <= plus_days <= 250:
        raise UnprocessableError("plus_days must be between 0 and 250", field="plus_days")
    return {
        "date": date,
        "working_day": is_working_day(date),
        "plus_days": plus_days,
        "result": add_working_days(date, plus_days) if plus_days else date,
    }
