"""Funds and use categories by their names (data, both languages) for the one label lookup."""

from __future__ import annotations

from waibao.common.labels import local_name


def fund_name(code: str) -> str | None:
    from waibao.ledger.models import Fund

    fund = Fund.objects.filter(code=code).only("name_zh", "name_en").first()
    return local_name(fund) if fund is not None else None


def use_category_name(code: str) -> str | None:
    from waibao.ledger.models import UseCategory

    category = UseCategory.objects.filter(code=code).only("name_zh", "name_en").first()
    return local_name(category) if category is not None else None
