"""Loading departments and their duties from a data set (departments.yaml)."""

from __future__ import annotations

import datetime
from pathlib import Path

from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.governance.models import Department, Duty


def load_governance_dataset(folder: Path) -> dict[str, int]:
    doc = read_yaml(folder, "departments.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("departments"), list):
        raise DatasetError(f"{folder / 'departments.yaml'}: expected a mapping with a 'departments' list")
    deadline = doc.get("deadline_all")
    if deadline is not None and not isinstance(deadline, datetime.date):
        raise DatasetError(f"{folder / 'departments.yaml'}: deadline_all must be a date (YYYY-MM-DD)")
    prefix = doc.get("citation_prefix", "SZ")
    partners: list[tuple[Duty, list[str]]] = []
    for i, entry in enumerate(doc["departments"]):
        here = f"departments.yaml: departments[{i}]"
        section = int(need(entry, "section", here))
        department, _ = Department.objects.update_or_create(
            code=need(entry, "code", here),
            defaults={
                "section": section,
                "name_zh": need(entry, "name_zh", here),
                "name_en": need(entry, "name_en", here),
                "citation": f"{prefix}-{section}",
            },
        )
        for j, duty_entry in enumerate(entry.get("duties") or []):
            where = f"{here}.duties[{j}]"
            number = int(need(duty_entry, "number", where))
            duty, _ = Duty.objects.update_or_create(
                department=department,
                number=number,
                defaults={
                    "citation": f"{prefix}-{section}.{number}",
                    "text_zh": need(duty_entry, "text_zh", where),
                    "text_en": need(duty_entry, "text_en", where),
                    "deadline": duty_entry.get("deadline", deadline),
                    "is_key": bool(duty_entry.get("key", False)),
                },
            )
            partners.append((duty, list(duty_entry.get("with") or [])))
    for duty, codes in partners:
        found = list(Department.objects.filter(code__in=codes))
        if len(found) != len(set(codes)):
            raise DatasetError(f"departments.yaml: {duty.citation}: unknown department in 'with': {codes}")
        duty.partners.set(found)
    return {"departments": Department.objects.count(), "duties": Duty.objects.count()}
