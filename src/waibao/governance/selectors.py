"""Reads of departments, duties and their derived state."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from waibao.governance.models import Department, Duty, DutyReport, DutyStatus, ReportKind
from waibao.governance.status import DutyState, duty_state
from waibao.workdays.calendar import WorkCalendar
from waibao.workdays.selectors import current_calendar


def departments_with_duties() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).prefetch_related(
        Prefetch("duties", queryset=Duty.objects.prefetch_related("partners").order_by("number"))
    )


def duties_annotated() -> QuerySet[Duty]:
    """Duties with what their status is derived from: whether any report exists, the latest `done` decision."""
    latest_done = DutyReport.objects.filter(duty=OuterRef("pk"), kind=ReportKind.DONE).order_by("-created_at", "-pk")
    return (
        Duty.objects.select_related("department", "responsible")
        .prefetch_related("partners")
        .annotate(
            has_reports=Exists(DutyReport.objects.filter(duty=OuterRef("pk"))),
            done_decision=Subquery(latest_done.values("decision")[:1]),
        )
        .order_by("department__section", "number")
    )


@dataclass(frozen=True)
class DutyRow:
    duty: Duty
    state: DutyState


@dataclass(frozen=True)
class DutyFilters:
    department: str = ""
    status: str = ""
    source: str = ""
    key_only: bool = False


def duty_rows(
    filters: DutyFilters | None = None, *, today: datetime.date | None = None, calendar: WorkCalendar | None = None
) -> list[DutyRow]:
    filters = filters or DutyFilters()
    today = today or timezone.localdate()
    calendar = calendar or current_calendar()
    qs = duties_annotated()
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.key_only:
        qs = qs.filter(is_key=True)
    rows = [DutyRow(duty, duty_state(duty, calendar=calendar, today=today)) for duty in qs]
    if filters.status:
        rows = [r for r in rows if r.state.status == filters.status]
    return rows


@dataclass(frozen=True)
class MatrixRow:
    department: Department
    counts: dict[str, int]
    total: int


def duty_matrix(rows: list[DutyRow]) -> tuple[list[MatrixRow], dict[str, int]]:
    """Departments × status counts, from rows already derived (no further queries)."""
    by_department: dict[int, Counter[str]] = {}
    departments: dict[int, Department] = {}
    for row in rows:
        departments[row.duty.department_id] = row.duty.department
        by_department.setdefault(row.duty.department_id, Counter())[row.state.status] += 1
    matrix = [
        MatrixRow(
            departments[pk],
            {s.value: counts.get(s.value, 0) for s in DutyStatus},
            sum(counts.values()),
        )
        for pk, counts in by_department.items()
    ]
    matrix.sort(key=lambda m: (m.department.section, m.department.code))
    totals = {s.value: sum(m.counts[s.value] for m in matrix) for s in DutyStatus}
    return matrix, totals


def duty_row(duty_id: int, *, today: datetime.date | None = None, calendar: WorkCalendar | None = None) -> DutyRow:
    """One duty with its derived state (only that duty's state is derived); `Duty.DoesNotExist` if none."""
    duty = duties_annotated().get(pk=duty_id)
    return DutyRow(duty, duty_state(duty, calendar=calendar or current_calendar(), today=today or timezone.localdate()))


def duty_detail(duty_id: int) -> Duty:
    return duties_annotated().prefetch_related("milestones").get(pk=duty_id)


def duty_reports(duty: Duty) -> list[DutyReport]:
    return list(duty.reports.select_related("author", "decided_by").order_by("-created_at", "-pk"))
