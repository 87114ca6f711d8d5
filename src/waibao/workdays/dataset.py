"""Loading the working-day calendar from a data set: `calendar/<year>.yaml`, one file per confirmed year."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from waibao.common.dataset import DatasetError, read_yaml
from waibao.common.errors import DomainError
from waibao.workdays.models import CalendarYear
from waibao.workdays.services import DayEntry, calendar_year_save


def _entries(doc: dict[str, Any], key: str, where: str) -> list[DayEntry]:
    raw = doc.get(key) or []
    if not isinstance(raw, list):
        raise DatasetError(f"{where}: '{key}' must be a list")
    entries = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("date"), datetime.date):
            raise DatasetError(f"{where}: {key}[{i}] needs a date (YYYY-MM-DD)")
        entries.append(DayEntry(item["date"], str(item.get("name_zh", "")), str(item.get("name_en", ""))))
    return entries


def load_calendar_dataset(folder: Path) -> dict[str, int]:
    """Load every `calendar/*.yaml` of the data set; a data set without the folder loads no year."""
    calendar_folder = folder / "calendar"
    if not calendar_folder.is_dir():
        return {"calendar years": CalendarYear.objects.count()}
    for path in sorted(calendar_folder.glob("*.yaml")):
        doc = read_yaml(calendar_folder, path.name)
        where = f"calendar/{path.name}"
        if not isinstance(doc, dict) or not isinstance(doc.get("year"), int):
            raise DatasetError(f"{where}: expected a mapping with an integer 'year'")
        try:
            calendar_year_save(
                acting_user=None,
                year=doc["year"],
                holidays=_entries(doc, "holidays", where),
                workdays=_entries(doc, "workdays", where),
                document=str(doc.get("document") or ""),
                source=str(doc.get("source") or ""),
            )
        except DomainError as exc:
            raise DatasetError(f"{where}: {exc.message}") from exc
    return {"calendar years": CalendarYear.objects.count()}
