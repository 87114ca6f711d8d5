"""Loading departments and their duties from a data set (departments.yaml)."""

from __future__ import annotations

import datetime
from pathlib import Path

from waibao.common import public_cache
from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.governance.indicators import INDICATORS
from waibao.governance.models import Department, Duty, GroupMember, GroupRole
from waibao.governance.selectors import DUTIES_AREA

DUTY_KEYS = {
    "number",
    "key",
    "text_zh",
    "text_en",
    "with",
    "indicator",
    "after_working_days",
    "event",
    "reminders",
    "deadline",
}


def load_governance_dataset(folder: Path) -> dict[str, int]:
    doc = read_yaml(folder, "departments.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("departments"), list):
        raise DatasetError(f"{folder / 'departments.yaml'}: expected a mapping with a 'departments' list")
    deadline = doc.get("deadline_all")
    if deadline is not None and not isinstance(deadline, datetime.date):
        raise DatasetError(f"{folder / 'departments.yaml'}: deadline_all must be a date (YYYY-MM-DD)")
    prefix = doc.get("citation_prefix", "SZ")
    reminders = doc.get("reminder_lead_working_days", [])
    if not isinstance(reminders, list) or not all(isinstance(n, int) and n > 0 for n in reminders):
        raise DatasetError(f"{folder / 'departments.yaml'}: reminder_lead_working_days must be a list of positive days")
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
            unknown = set(duty_entry) - DUTY_KEYS if isinstance(duty_entry, dict) else set()
            if unknown:
                # An unquoted comma in a YAML flow mapping splits a text into a stray key: refuse, never truncate.
                raise DatasetError(f"{where}: unknown keys {sorted(unknown)} (quote texts that contain commas)")
            number = int(need(duty_entry, "number", where))
            indicator = str(duty_entry.get("indicator") or "")
            if indicator and indicator not in INDICATORS:
                raise DatasetError(f"{where}: unknown indicator {indicator!r} (known: {', '.join(sorted(INDICATORS))})")
            after = duty_entry.get("after_working_days")
            if after is not None and (not isinstance(after, int) or after <= 0 or not duty_entry.get("event")):
                raise DatasetError(f"{where}: after_working_days needs a positive number and an 'event'")
            duty, _ = Duty.objects.update_or_create(
                department=department,
                number=number,
                defaults={
                    "citation": f"{prefix}-{section}.{number}",
                    "text_zh": need(duty_entry, "text_zh", where),
                    "text_en": need(duty_entry, "text_en", where),
                    "deadline": duty_entry.get("deadline", deadline),
                    "is_key": bool(duty_entry.get("key", False)),
                    "indicator": indicator,
                    "after_working_days": after,
                    "event_name": str(duty_entry.get("event") or "") if after is not None else "",
                    "reminder_days": list(duty_entry.get("reminders", reminders)),
                },
            )
            partners.append((duty, list(duty_entry.get("with") or [])))
    for duty, codes in partners:
        found = list(Department.objects.filter(code__in=codes))
        if len(found) != len(set(codes)):
            raise DatasetError(f"departments.yaml: {duty.citation}: unknown department in 'with': {codes}")
        duty.partners.set(found)
    public_cache.changed(DUTIES_AREA)  # departments' names, duties' texts and deadlines
    return {"departments": Department.objects.count(), "duties": Duty.objects.count()}


def load_group_dataset(folder: Path) -> dict[str, int]:
    """The leadership group's seats (leadership_group.yaml, optional): loaded once; later changes are the office's."""
    doc = read_yaml(folder, "leadership_group.yaml", required=False)
    if doc is None:
        return {"group members": GroupMember.objects.count()}
    where = "leadership_group.yaml"
    if not isinstance(doc, dict) or not isinstance(doc.get("members"), list):
        raise DatasetError(f"{where}: expected a mapping with a 'members' list")
    valid_from = doc.get("valid_from")
    if not isinstance(valid_from, datetime.date):
        raise DatasetError(f"{where}: valid_from must be a date (YYYY-MM-DD)")
    if GroupMember.objects.exists():  # the office keeps the group from here on, with its history
        return {"group members": GroupMember.objects.count()}
    for i, entry in enumerate(doc["members"]):
        here = f"{where}: members[{i}]"
        role = need(entry, "role", here)
        if role not in GroupRole.values:
            raise DatasetError(f"{here}: role must be one of {', '.join(GroupRole.values)}")
        code = entry.get("department")
        department = Department.objects.filter(code=code).first() if code else None
        if code and department is None:
            raise DatasetError(f"{here}: unknown department {code!r}")
        GroupMember.objects.create(
            group_role=role,
            department=department,
            unit_zh=str(entry.get("unit_zh", "")),
            unit_en=str(entry.get("unit_en", "")),
            person=str(entry.get("person", "")),
            title=str(entry.get("title", "")),
            title_en=str(entry.get("title_en", "")),
            valid_from=valid_from,
            sort_order=i,
        )
    return {"group members": GroupMember.objects.count()}
