"""Reads of departments, duties and their derived state."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext

from waibao.accounts.models import User
from waibao.common import public_cache
from waibao.common.i18n import is_english, localized
from waibao.common.plain_sql import column, table
from waibao.governance.models import Department, Duty, DutyReport, DutySource, DutyStatus, ReportKind
from waibao.governance.status import DutyState, duty_state
from waibao.workdays.calendar import WorkCalendar
from waibao.workdays.selectors import current_calendar


def departments_with_duties() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).prefetch_related(
        Prefetch("duties", queryset=Duty.objects.prefetch_related("partners").order_by("number"))
    )


def _with_report_facts(qs: QuerySet[Duty]) -> QuerySet[Duty]:
    """What a duty's status is derived from besides its record: whether any report exists, the latest `done`
    report's decision."""
    latest_done = DutyReport.objects.filter(duty=OuterRef("pk"), kind=ReportKind.DONE).order_by("-created_at", "-pk")
    return qs.annotate(
        has_reports=Exists(DutyReport.objects.filter(duty=OuterRef("pk"))),
        done_decision=Subquery(latest_done.values("decision")[:1]),
    )


def duties_annotated() -> QuerySet[Duty]:
    """Duties with what their status is derived from: whether any report exists, the latest `done` decision."""
    return _with_report_facts(
        # The meeting too: the API names the meeting of each decided duty.
        Duty.objects.select_related("department", "responsible", "meeting").prefetch_related("partners")
    ).order_by("department__section", "number")


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


# The public-cache area of every duty's derived line: the services that change a duty, its reports or the
# departments (assignment, reports and decisions on them, the leadership group's decisions, the data set) mark it
# changed in their transaction; the calendar and the day are part of the key.
DUTIES_AREA = public_cache.GOVERNANCE  # also the public list of departments and duties (api.registry)


@dataclass(frozen=True)
class DutyDepartment:
    """A duty's department as its line holds it: plain values (a `Department` model in each cached line cost every
    read of the cache a model's unpickling per department; no slots: a slotted class is unpickled field by field)."""

    pk: int
    code: str
    section: str
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


@dataclass(frozen=True)
class DutyLine:
    """A duty as lists, the matrix and the cockpit show it: plain values read in one query, its derived state."""

    pk: int
    citation: str
    text_zh: str
    text_en: str
    source: str
    is_key: bool
    department: DutyDepartment
    state: DutyState

    @property
    def text(self) -> str:
        return localized(self.text_zh, self.text_en)


class _Terms(NamedTuple):
    deadline: datetime.date | None
    after_working_days: int | None
    event_name: str
    event_date: datetime.date | None
    has_reports: bool
    done_decision: str | None


_LINE_FIELDS = ("pk", "citation", "text_zh", "text_en", "source", "is_key")
_TERM_FIELDS = ("deadline", "after_working_days", "event_name", "event_date", "has_reports", "done_decision")
_DEPARTMENT_FIELDS = ("department_id", "department__code", "department__section", "department__name_zh")
_DEPARTMENT_NAME_EN = "department__name_en"


def _derive_lines(today: datetime.date, calendar: WorkCalendar) -> list[DutyLine]:
    """Every duty's line, in one query whatever the number of duties (the duties as plain values with their
    report facts and department)."""
    qs = _with_report_facts(Duty.objects.all()).order_by("department__section", "number")
    fields = (*_LINE_FIELDS, *_TERM_FIELDS, *_DEPARTMENT_FIELDS, _DEPARTMENT_NAME_EN)
    n, t = len(_LINE_FIELDS), len(_LINE_FIELDS) + len(_TERM_FIELDS)
    departments: dict[int, DutyDepartment] = {}
    lines = []
    for v in qs.values_list(*fields):
        department_id, code, section, name_zh, name_en = v[t:]
        department = departments.get(department_id)
        if department is None:
            department = departments[department_id] = DutyDepartment(department_id, code, section, name_zh, name_en)
        pk, citation, text_zh, text_en, source, is_key = v[:n]
        state = duty_state(_Terms(*v[n:t]), calendar=calendar, today=today)
        lines.append(DutyLine(pk, citation, text_zh, text_en, source, is_key, department, state))
    return lines


def duty_lines(
    filters: DutyFilters | None = None, *, today: datetime.date | None = None, calendar: WorkCalendar | None = None
) -> list[DutyLine]:
    """Every duty matching `filters` with its derived state: `duty_rows` without building a model per duty.

    Derived once a day and calendar for every duty and kept in the cache until a service changes a duty
    (`DUTIES_AREA`); the filters apply to the lines."""
    filters = filters or DutyFilters()
    today = today or timezone.localdate()
    calendar = calendar or current_calendar()
    every = public_cache.cached(
        "governance-duty-lines:2",  # the entry's shape is in its name: lines kept before a change are not read
        areas=(DUTIES_AREA,),
        params=(today.isoformat(), calendar.fingerprint),
        compute=lambda: _derive_lines(today, calendar),
    )
    return [
        line
        for line in every
        if (not filters.department or line.department.code == filters.department)
        and (not filters.source or line.source == filters.source)
        and (not filters.key_only or line.is_key)
        and (not filters.status or line.state.status == filters.status)
    ]


def open_decisions(rows: Sequence[DutyLine]) -> list[DutyLine]:
    """The leadership group's decisions among `rows` not yet accepted."""
    return [r for r in rows if r.source == DutySource.DECISION and r.state.status != DutyStatus.ACCEPTED]


def department_choices() -> list[tuple[str, str]]:
    """(code, name) of every active department in the reader's language, in the order of the division of work: the
    duty list's filter. Kept in the cache with the duty lines: the data set, the only writer of departments, marks
    `DUTIES_AREA` changed."""
    return public_cache.cached("governance-department-choices", areas=(DUTIES_AREA,), compute=read_department_choices)


def read_department_choices() -> list[tuple[str, str]]:
    """`department_choices` read from the database (for an entry of the public cache that holds them with others:
    its areas must include `DUTIES_AREA`)."""
    return [(d.code, d.name) for d in Department.objects.filter(is_active=True).order_by("section")]


@functools.lru_cache(maxsize=16)
def status_labels(language: str | None) -> dict[str, str]:
    """Each duty status's label in `language` (the active one, `get_language()`), in the statuses' order: translated
    once per process and language (a translation never changes while a process runs; a lazy label costs some ten
    calls each time it is read)."""
    return {str(status): str(label) for status, label in DutyStatus.choices}


def _in_language(english: bool, zh: str, en: str) -> str:
    """`localized(zh, en)` with the language read once for a whole list (reading it costs more than the choice)."""
    return en if english and en else zh or en


def duty_url_base() -> str:
    """A duty's page is this and its id (`/governance/duties/<id>/`): the address built once per URL prefix."""
    return _duty_url_base(get_script_prefix())


@functools.lru_cache(maxsize=8)
def _duty_url_base(prefix: str) -> str:
    return reverse("governance:duty", args=[0])[:-2]


@dataclass(frozen=True)
class DutyPageRow:
    """A line of the duty list as shown, every cell a plain value (the list's template does no work per row)."""

    line: DutyLine
    text: str
    department: str
    url: str
    partners: str
    responsible: str
    deadline: str
    days_left: str
    status_label: str


@functools.cache
def _page_facts_sql(n: int) -> str:
    """The responsible person and the co-departments of `n` duties, in the order of the division of work (written
    once as SQL: the ORM's building of this query cost the duty list more than the rest of its rows)."""
    link = Duty.partners.through
    key = column(Duty, "id")
    return (
        f"SELECT d.{key}, u.{column(User, 'full_name')}, u.{column(User, 'username')}, "  # noqa: S608 - names only
        f"p.{column(Department, 'name_zh')}, p.{column(Department, 'name_en')} FROM {table(Duty)} d "
        f"LEFT JOIN {table(User)} u ON u.{column(User, 'id')} = d.{column(Duty, 'responsible')} "
        f"LEFT JOIN {table(link)} l ON l.{column(link, 'duty')} = d.{key} "
        f"LEFT JOIN {table(Department)} p ON p.{column(Department, 'id')} = l.{column(link, 'department')} "
        f"WHERE d.{key} IN ({', '.join(['%s'] * n)}) "
        f"ORDER BY d.{key}, p.{column(Department, 'section')}, p.{column(Department, 'code')}"
    )


def duty_page_rows(lines: Sequence[DutyLine]) -> list[DutyPageRow]:
    """What a page of the duty list shows besides its lines (co-departments, the responsible person), in one
    query whatever the page's size."""
    partners: dict[int, list[str]] = {}
    responsible: dict[int, str] = {}
    english = is_english()
    if lines:
        with connection.cursor() as cursor:
            cursor.execute(_page_facts_sql(len(lines)), [line.pk for line in lines])
            found = cursor.fetchall()
        for pk, full_name, username, partner_zh, partner_en in found:
            responsible[pk] = full_name or username or ""
            if partner_zh is not None:
                partners.setdefault(pk, []).append(_in_language(english, partner_zh, partner_en))
    base = duty_url_base()
    labels = status_labels(get_language())
    rows = []
    for line in lines:
        state = line.state
        left = state.working_days_left
        department = line.department
        rows.append(
            DutyPageRow(
                line=line,
                # `_in_language`, written out: a call per cell is a tenth of the row's cost
                text=line.text_en if english and line.text_en else line.text_zh or line.text_en,
                department=department.name_en
                if english and department.name_en
                else department.name_zh or department.name_en,
                url=f"{base}{line.pk}/",
                partners="、".join(partners.get(line.pk, [])),
                responsible=responsible.get(line.pk, ""),
                deadline=state.deadline.isoformat() if state.deadline else "",
                days_left=ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left}
                if left is not None and left >= 0
                else "",
                status_label=labels[str(state.status)],
            )
        )
    return rows


@dataclass(frozen=True)
class MatrixRow:
    department: DutyDepartment
    name: str  # the department's, in the reader's language
    counts: dict[str, int]
    total: int


# The matrix's columns: the statuses' values as plain strings, read once (iterating the enum and hashing its members
# cost more than the counting).
_STATUS_COLUMNS: tuple[str, ...] = tuple(str(value) for value in DutyStatus.values)


def duty_matrix(rows: Sequence[DutyLine]) -> tuple[list[MatrixRow], dict[str, int]]:
    """Departments × status counts, from lines already derived (no further queries)."""
    by_department: dict[int, tuple[DutyDepartment, dict[str, int]]] = {}
    for row in rows:
        department = row.department
        found = by_department.get(department.pk)
        if found is None:  # every status a column, in the statuses' order, from nought
            found = by_department[department.pk] = (department, dict.fromkeys(_STATUS_COLUMNS, 0))
        found[1][str(row.state.status)] += 1
    english = is_english()
    matrix = [
        MatrixRow(
            department, _in_language(english, department.name_zh, department.name_en), counts, sum(counts.values())
        )
        for department, counts in by_department.values()
    ]
    matrix.sort(key=lambda m: (m.department.section, m.department.code))
    totals = {status: sum(m.counts[status] for m in matrix) for status in _STATUS_COLUMNS}
    return matrix, totals


def duty_row(duty_id: int, *, today: datetime.date | None = None, calendar: WorkCalendar | None = None) -> DutyRow:
    """One duty with its derived state (only that duty's state is derived); `Duty.DoesNotExist` if none."""
    duty = duties_annotated().get(pk=duty_id)
    return DutyRow(duty, duty_state(duty, calendar=calendar or current_calendar(), today=today or timezone.localdate()))


def duty_detail(duty_id: int) -> Duty:
    return duties_annotated().prefetch_related("milestones").get(pk=duty_id)


def duty_reports(duty: Duty) -> list[DutyReport]:
    return list(duty.reports.select_related("author", "decided_by").order_by("-created_at", "-pk"))
