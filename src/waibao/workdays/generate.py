"""Drafting a year's arrangement from the `holidays` library (China), for years it knows with their make-up days.

`holidays` silently extrapolates future years from fixed rules, without the make-up working days the State
Council announces each year; such a year is refused here, so it can never reach a deadline.
"""

from __future__ import annotations

import datetime
from typing import Any

from waibao.common.errors import DomainError

MAKEUP_ZH = "调休上班"
MAKEUP_EN = "Make-up working day"


def draft_year(year: int) -> dict[str, Any]:
    """The year as a data-set document (`calendar/<year>.yaml`)."""
    import holidays

    english = holidays.China(years=year)
    chinese = holidays.China(years=year, language="zh_CN")
    workdays = sorted(d for d in english.weekend_workdays if d.year == year)
    if not workdays:
        raise DomainError(
            f"holidays {holidays.__version__} has no make-up working days for {year}: it would be a guess. "
            "Enter the year from the State Council's notice instead."
        )
    return {
        "year": year,
        "source": f"holidays {holidays.__version__} (China), checked against chinese-calendar",
        "holidays": [
            {"date": d, "name_zh": str(chinese.get(d)), "name_en": str(english.get(d))} for d in sorted(english)
        ],
        "workdays": [{"date": d, "name_zh": MAKEUP_ZH, "name_en": MAKEUP_EN} for d in workdays],
    }


def as_yaml(doc: dict[str, Any]) -> str:
    lines = [f"# Working-day calendar {doc['year']}: statutory holidays and make-up working days (调休).", ""]
    lines.append(f"year: {doc['year']}")
    lines.append(f"document: {doc.get('document', '')!s}".rstrip())
    lines.append(f"source: {doc.get('source', '')}")
    for key in ("holidays", "workdays"):
        lines.append(f"{key}:")
        for item in doc[key]:
            day: datetime.date = item["date"]
            lines.append(f'  - {{date: {day.isoformat()}, name_zh: "{item["name_zh"]}", name_en: "{item["name_en"]}"}}')
    return "\n".join(lines) + "\n"
