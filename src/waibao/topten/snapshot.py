"""The inputs of a selection, read from the platform with their sources: approved statistics (execution records
of the year), approved annual reports, the registry, and the office's open violations."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from waibao.registry.models import Enterprise, EnterpriseStatus
from waibao.statistics.models import Contract, Execution, RecordStatus, StaffingReport
from waibao.topten.method import Method
from waibao.topten.models import AnnualReport, Violation

PENDING = (RecordStatus.DRAFT, RecordStatus.SUBMITTED, RecordStatus.RETURNED)


@dataclass
class Row:
    enterprise_id: int
    name_zh: str
    name_en: str
    inputs: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)
    ineligible: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.ineligible


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def gather(*, year: int, method: Method) -> list[Row]:
    """One row per enterprise in the programme (every enterprise not rejected), in id order."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    enterprises = (
        Enterprise.objects.exclude(status=EnterpriseStatus.REJECTED)
        .order_by("pk")
        .values_list("pk", "name_zh", "name_en", "status", "employees", "registered_capital_cny", "updated_at")
    )
    executed: dict[int, Decimal] = defaultdict(Decimal)
    offshore: dict[int, Decimal] = defaultdict(Decimal)
    countries: dict[int, set[str]] = defaultdict(set)
    execution_ids: dict[int, list[int]] = defaultdict(list)
    for pk, enterprise_id, amount, is_offshore, country in (
        Execution.objects.filter(status=RecordStatus.APPROVED, date__range=(start, end))
        .order_by("pk")
        .values_list("pk", "enterprise_id", "amount_cny", "contract__k_offshore", "contract__client_country")
    ):
        executed[enterprise_id] += amount or 0
        if is_offshore:
            offshore[enterprise_id] += amount or 0
        countries[enterprise_id].add(country)
        execution_ids[enterprise_id].append(pk)
    approved_staffing = set(
        StaffingReport.objects.filter(status=RecordStatus.APPROVED, period_start__range=(start, end)).values_list(
            "enterprise_id", flat=True
        )
    )
    pending: set[int] = set()
    for model, condition in (
        (Execution, Q(date__range=(start, end))),
        (Contract, Q(signed_date__range=(start, end))),
        (StaffingReport, Q(period_start__range=(start, end))),
    ):
        pending.update(model.objects.filter(condition, status__in=PENDING).values_list("enterprise_id", flat=True))
    reports = {
        r.enterprise_id: r
        for r in AnnualReport.objects.filter(year=year, status=RecordStatus.APPROVED).only(
            "pk", "enterprise_id", "taxes_paid_cny", "rd_expense_cny", "patents", "graduate_employees", "reviewed_at"
        )
    }
    violations: dict[int, list[int]] = defaultdict(list)
    for pk, enterprise_id in Violation.objects.filter(recorded_on__lte=end, closed_on__isnull=True).values_list(
        "pk", "enterprise_id"
    ):
        violations[enterprise_id].append(pk)
    wanted = set(method.indicators)
    rows: list[Row] = []
    for pk, name_zh, name_en, status, employees, capital, updated_at in enterprises:
        row = Row(enterprise_id=pk, name_zh=name_zh, name_en=name_en)
        if "recognised" in method.eligibility and status != EnterpriseStatus.RECOGNISED:
            row.ineligible.append("not_recognised")
        has_stats = pk in execution_ids or pk in approved_staffing
        if "statistics_approved" in method.eligibility and (not has_stats or pk in pending):
            row.ineligible.append("statistics_not_approved" if not has_stats else "statistics_pending")
        report = reports.get(pk)
        if "annual_report" in method.eligibility and report is None:
            row.ineligible.append("no_annual_report")
        if "no_open_violation" in method.eligibility and pk in violations:
            row.ineligible.append("open_violation")
        stats_source = {"kind": "statistics", "model": "execution", "ids": execution_ids.get(pk, [])}
        registry_source = {"kind": "registry", "id": pk, "as_of": updated_at.isoformat() if updated_at else None}
        report_source: dict[str, Any] = (
            {
                "kind": "annual_report",
                "id": report.pk,
                "reviewed_at": report.reviewed_at.isoformat() if report.reviewed_at else None,
            }
            if report is not None
            else {"kind": "missing"}
        )
        values: dict[str, tuple[Any, dict[str, Any]]] = {
            "executed_cny": (_money(executed.get(pk)), stats_source),
            "offshore_executed_cny": (_money(offshore.get(pk)), stats_source),
            "client_countries": (len(countries.get(pk, ())), stats_source),
            "employees": (int(employees or 0), registry_source),
            "registered_capital_cny": (_money(capital), registry_source),
            "taxes_paid_cny": (_money(report.taxes_paid_cny if report else None), report_source),
            "rd_expense_cny": (_money(report.rd_expense_cny if report else None), report_source),
            "patents": (report.patents if report else 0, report_source),
            "graduate_employees": (report.graduate_employees if report else 0, report_source),
        }
        for name in method.indicators:
            value, source = values[name]
            row.inputs[name] = value
            row.sources[name] = source
        if violations.get(pk):
            row.sources["violations"] = violations[pk]
        assert wanted <= set(row.inputs)
        rows.append(row)
    return rows


def digest(parameters: dict[str, Any], rows: list[Row]) -> str:
    """SHA-256 of the parameters and every row's inputs and eligibility: the same snapshot, the same digest."""
    payload = {
        "parameters": parameters,
        "rows": [
            [r.enterprise_id, r.inputs, sorted(r.ineligible)] for r in sorted(rows, key=lambda r: r.enterprise_id)
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
