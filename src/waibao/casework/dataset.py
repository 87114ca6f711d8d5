"""Loading case types and the casework rules (the 12345 numbers) from a data set's casework/ folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from waibao.casework.models import CaseRules, CaseType, DepartmentHead, Filer
from waibao.common import public_cache
from waibao.common.dataset import DatasetError, need, read_yaml

RULE_NUMBERS = (
    "resolution_days",
    "extension_cap_days",
    "extension_approvals",
    "misroute_return_days",
    "auto_close_days",
    "reopen_window_days",
    "rectification_days",
    "appeals",
)
LIMITS = ("acceptance", "first_response", "resolution")


def _days(value: Any, where: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise DatasetError(f"{where} must be a whole number ≥ {minimum}")
    return value


def _categories(
    nodes: Any, where: str, seen: set[str], departments: set[str], inherited: str | None
) -> list[dict[str, Any]]:
    """The category tree; each node's `department` (a department code) is its own, else its parent's, else
    None (the type's department, from its owning duty). An unknown department is refused by name."""
    if not isinstance(nodes, list):
        raise DatasetError(f"{where}: categories must be a list")
    out = []
    for i, node in enumerate(nodes):
        here = f"{where}.categories[{i}]"
        code = str(need(node, "code", here))
        if code in seen:
            raise DatasetError(f"{here}: category {code!r} is listed twice")
        seen.add(code)
        department = node.get("department")
        if department is not None and str(department) not in departments:
            raise DatasetError(
                f"{here}: category {code!r} names unknown department {department!r}; "
                f"known: {', '.join(sorted(departments))}"
            )
        routed = str(department) if department is not None else inherited
        out.append(
            {
                "code": code,
                "name_zh": str(need(node, "name_zh", here)),
                "name_en": str(node.get("name_en") or ""),
                "department": routed,
                "children": _categories(node.get("children") or [], here, seen, departments, routed),
            }
        )
    return out


def _load_rules(folder: Path) -> CaseRules:
    path = folder / "casework" / "rules.yaml"
    doc = read_yaml(folder / "casework", "rules.yaml", required=False) or {}
    if not isinstance(doc, dict):
        raise DatasetError(f"{path}: expected a mapping")
    values: dict[str, Any] = {}
    for key in RULE_NUMBERS:
        if key in doc:
            values[key] = _days(doc[key], f"{path}: {key}", minimum=0 if key == "appeals" else 1)
    leads = doc.get("reminder_lead_days", [2, 1])
    if not isinstance(leads, list):
        raise DatasetError(f"{path}: reminder_lead_days must be a list")
    values["reminder_lead_days"] = [_days(n, f"{path}: reminder_lead_days") for n in leads]
    grades = doc.get("grades") or []
    if not isinstance(grades, list) or len(grades) < 2:
        raise DatasetError(f"{path}: grades must list at least two grades, best first")
    values["grades"] = [
        {
            "code": str(need(g, "code", f"{path}: grades[{i}]")),
            "name_zh": str(need(g, "name_zh", f"{path}: grades[{i}]")),
            "name_en": str(g.get("name_en") or ""),
            "bad": bool(g.get("bad")),
        }
        for i, g in enumerate(grades)
    ]
    rules, _created = CaseRules.objects.update_or_create(code="default", defaults=values)
    heads = doc.get("heads") or {}
    if not isinstance(heads, dict):
        raise DatasetError(f"{path}: heads must map department codes to usernames")
    from waibao.accounts.models import User
    from waibao.governance.models import Department

    for code, usernames in heads.items():
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise DatasetError(f"{path}: heads: unknown department {code!r}")
        for username in usernames or []:
            user = User.objects.filter(username=username).first()
            if user is not None:  # users come later than the data set on a fresh install
                DepartmentHead.objects.get_or_create(department=department, user=user)
    return rules


def load_casework_dataset(folder: Path) -> dict[str, int]:
    """Create or update the case types and rules (optional folder: a city without casework loads nothing)."""
    from waibao.governance.models import Department, Duty

    if not (folder / "casework").is_dir():
        return {"case types": CaseType.objects.count()}
    rules = _load_rules(folder)
    public_cache.changed(public_cache.CASEWORK)  # the types' limits and duties count in the duty indicators
    path = folder / "casework" / "types.yaml"
    doc = read_yaml(folder / "casework", "types.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("types"), list):
        raise DatasetError(f"{path}: expected a mapping with a 'types' list")
    seen: set[str] = set()
    departments = set(Department.objects.values_list("code", flat=True))
    limits_before = {
        code: limits
        for code, *limits in CaseType.objects.values_list(
            "code", "acceptance_days", "first_response_days", "resolution_days"
        )
    }
    limits_changed: list[str] = []
    for order, entry in enumerate(doc["types"]):
        where = f"{path}: types[{order}]"
        code = str(need(entry, "code", where))
        if code in seen:
            raise DatasetError(f"{where}: type {code!r} is listed twice")
        seen.add(code)
        citation = str(need(entry, "duty", where))
        duty = Duty.objects.select_related("department").filter(citation=citation).first()
        if duty is None:
            raise DatasetError(f"{where}: unknown duty {citation!r} (load departments.yaml first)")
        filers = entry.get("filers") or [Filer.ENTERPRISE]
        unknown = [f for f in filers if f not in Filer.values]
        if not isinstance(filers, list) or unknown:
            raise DatasetError(f"{where}: filers: unknown value(s) {unknown}; allowed: {list(Filer.values)}")
        limits = entry.get("limits") or {}
        if not isinstance(limits, dict) or set(limits) - set(LIMITS):
            raise DatasetError(f"{where}: limits must be a mapping of {list(LIMITS)}")
        outcomes = entry.get("outcomes") or []
        if not isinstance(outcomes, list) or not outcomes:
            raise DatasetError(f"{where}: outcomes must list at least one outcome")
        days = [
            _days(limits.get("acceptance", 1), f"{where}: limits.acceptance"),
            _days(limits.get("first_response", 2), f"{where}: limits.first_response"),
            _days(limits.get("resolution", rules.resolution_days), f"{where}: limits.resolution"),
        ]
        if code in limits_before and limits_before[code] != days:
            limits_changed.append(code)
        CaseType.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": str(need(entry, "name_zh", where)),
                "name_en": str(entry.get("name_en") or ""),
                "duty": duty,
                "department": duty.department,
                "filers": list(filers),
                "fields": list(entry.get("fields") or []),
                "attachments": list(entry.get("attachments") or []),
                "categories": _categories(entry.get("categories") or [], where, set(), departments, None),
                "outcomes": [str(o) for o in outcomes],
                "acceptance_days": days[0],
                "first_response_days": days[1],
                "resolution_days": days[2],
                "confidential": bool(entry.get("confidential")),
                "order": order,
                "is_active": True,
            },
        )
    CaseType.objects.exclude(code__in=seen).update(is_active=False)
    if limits_changed:  # the finished cases of these types were counted against the old limits
        from waibao.casework.models import DONE_STATUSES, Case
        from waibao.casework.services import case_badges_store

        finished = Case.objects.filter(case_type__code__in=limits_changed, status__in=DONE_STATUSES)
        case_badges_store(case_ids=list(finished.values_list("pk", flat=True)))
    return {"case types": len(seen)}
