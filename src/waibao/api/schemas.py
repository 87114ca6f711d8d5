"""Shapes of the JSON API's registry responses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


class ZoneOut(Schema):
    code: str
    name_zh: str
    name_en: str
    kind: str
    focus_zh: str
    focus_en: str


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name_zh: str
    name_en: str
    status: str
    zone: str | None
    ownership_type: str | None
    categories: list[str]
    registered_capital_cny: Decimal
    established_on: date | None
    offshore_focused: bool
    is_headquarters: bool
    employees: int


class EnterprisePage(Schema):
    count: int
    page: int
    pages: int
    results: list[EnterpriseOut]


class DutyOut(Schema):
    citation: str
    text_zh: str
    text_en: str
    deadline: date | None


class DepartmentOut(Schema):
    code: str
    name_zh: str
    name_en: str
    duties: list[DutyOut]
