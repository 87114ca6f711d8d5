"""Loading the routing of rules to departments from a data set (routing.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from waibao.applications.models import EvidenceKind, RuleRouting
from waibao.applications.services import step_deadlines_refresh
from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.governance.models import Department

APPLICANT_KINDS = ("enterprise", "training_institution")


def _check_limits(value: Any, where: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DatasetError(f"{where}: time_limits must be a mapping of status to days")
    from waibao.applications.models import ApplicationStatus

    out: dict[str, int] = {}
    for status, days in value.items():
        if status not in ApplicationStatus.values:
            raise DatasetError(f"{where}: time_limits: unknown status {status!r}")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise DatasetError(f"{where}: time_limits.{status} must be a whole number of days ≥ 1")
        out[str(status)] = days
    return out


def _check_list(value: Any, allowed: tuple[str, ...] | list[str], what: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"{where}: {what} must be a list")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise DatasetError(f"{where}: {what}: unknown value(s) {unknown}; allowed: {list(allowed)}")
    return list(value)


def load_routing_dataset(folder: Path) -> dict[str, int]:
    """Create or update one RuleRouting per rule listed in routing.yaml (optional file)."""
    path = folder / "routing.yaml"
    doc = read_yaml(folder, "routing.yaml", required=False)
    if doc is None:
        return {"routing": RuleRouting.objects.count()}
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise DatasetError(f"{path}: expected a mapping with a 'rules' list")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise DatasetError(f"{path}: defaults must be a mapping")
    default_limits = _check_limits(defaults.get("time_limits"), f"{path}: defaults")
    default_notice = defaults.get("notice_days", 7)
    default_applicants = _check_list(
        defaults.get("applicants", ["enterprise"]), APPLICANT_KINDS, "applicants", str(path)
    )
    default_evidence = _check_list(defaults.get("evidence", []), EvidenceKind.values, "evidence", str(path))
    departments = {d.code: d for d in Department.objects.all()}
    seen: set[str] = set()
    for i, entry in enumerate(doc["rules"]):
        where = f"{path}: rules[{i}]"
        rule_id = str(need(entry, "rule", where))
        if rule_id in seen:
            raise DatasetError(f"{where}: rule {rule_id} is listed twice")
        seen.add(rule_id)
        code = need(entry, "department", where)
        if code not in departments:
            raise DatasetError(f"{where}: unknown department {code!r}")
        partner_codes = entry.get("partners") or []
        unknown = [c for c in partner_codes if c not in departments]
        if unknown:
            raise DatasetError(f"{where}: unknown partner department(s) {unknown}")
        notice_days = entry.get("notice_days", default_notice)
        if isinstance(notice_days, bool) or not isinstance(notice_days, int) or notice_days < 1:
            raise DatasetError(f"{where}: notice_days must be a whole number of days ≥ 1")
        limits = {**default_limits, **_check_limits(entry.get("time_limits"), where)}
        routing, _created = RuleRouting.objects.update_or_create(
            rule_id=rule_id,
            defaults={
                "department": departments[code],
                "citation": str(entry.get("citation", "")),
                "time_limits": limits,
                "notice_days": notice_days,
                "applicant_kinds": _check_list(
                    entry.get("applicants", default_applicants), APPLICANT_KINDS, "applicants", where
                ),
                "required_evidence": _check_list(
                    entry.get("evidence", default_evidence), EvidenceKind.values, "evidence", where
                ),
                "is_open": bool(entry.get("open", True)),
            },
        )
        routing.partners.set([departments[c] for c in partner_codes])
        step_deadlines_refresh(rule_id=rule_id)  # the limits may have changed: waiting applications follow
    return {"routing": RuleRouting.objects.count()}
