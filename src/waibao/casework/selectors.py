"""Reads of casework: queues with their clocks, the supervision board, figures by type and department."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict
from urllib.parse import quote

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from waibao.casework.access import visible_cases
from waibao.casework.clocks import LIMIT_KINDS, CaseClock, CaseClocks, Step, case_limit_clocks
from waibao.casework.models import (
    Case,
    CaseChange,
    CaseStatus,
    Extension,
    ExtensionStatus,
    Rating,
    Supervision,
    Transfer,
)
from waibao.common.i18n import localized
from waibao.common.labels import label
from waibao.workdays.calendar import WorkCalendar
from waibao.workdays.selectors import current_calendar

OPEN_STATUSES = (CaseStatus.FILED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.RETURNED, CaseStatus.WAITING)


def case_limit(case: Case) -> int:
    return case.case_type.resolution_days + case.extension_days


def case_limits(case: Case) -> dict[str, int]:
    """The working days of each of the case's three limits (the extension adds to the resolution)."""
    return {
        "acceptance": case.case_type.acceptance_days,
        "first_response": case.case_type.first_response_days,
        "resolution": case_limit(case),
    }


def histories(case_ids: Sequence[int]) -> dict[int, list[Step]]:
    """The status histories of the cases, in one query."""
    out: dict[int, list[Step]] = defaultdict(list)
    rows = CaseChange.objects.filter(case_id__in=case_ids).order_by("case_id", "at", "pk")
    for case_id, on, status, action in rows.values_list("case_id", "on", "status", "action").iterator(
        chunk_size=10_000
    ):
        out[case_id].append((on, status, action))
    return out


def limit_clocks_for(
    cases: Sequence[Case], *, today: datetime.date, calendar: WorkCalendar | None = None
) -> dict[int, CaseClocks]:
    """The three time limits of the cases (their types selected with them), from their histories."""
    calendar = calendar or current_calendar()
    by_id = histories([c.pk for c in cases])
    return case_limit_clocks(
        ((c.pk, case_limits(c), by_id[c.pk]) for c in cases if by_id.get(c.pk)), today=today, calendar=calendar
    )


def clocks_for(
    cases: Sequence[Case], *, today: datetime.date, calendar: WorkCalendar | None = None
) -> dict[int, CaseClock]:
    """The resolution clocks of the cases."""
    out = {}
    for case_id, clocks in limit_clocks_for(cases, today=today, calendar=calendar).items():
        if clocks.resolution is not None:
            out[case_id] = clocks.resolution
    return out


@dataclass
class QueueRow:
    case: Case
    clocks: CaseClocks | None

    @property
    def clock(self) -> CaseClock | None:
        """The resolution clock."""
        return self.clocks.resolution if self.clocks else None

    @property
    def current(self) -> tuple[str, CaseClock] | None:
        return self.clocks.current if self.clocks else None


def queue(cases: QuerySet[Case], *, today: datetime.date) -> list[QueueRow]:
    """Cases with their clocks, the least time left first (stopped ones after the running ones)."""
    rows = list(cases.select_related("case_type", "department", "handler", "enterprise"))
    clocks = limit_clocks_for(rows, today=today)
    out = [QueueRow(c, clocks.get(c.pk)) for c in rows]

    def key(row: QueueRow) -> tuple[int, int, str]:
        current = row.current
        if current is None:
            return (2, 0, row.case.number)
        clock = current[1]
        return (0 if clock.state.running else 1, clock.remaining, row.case.number)

    return sorted(out, key=key)


WORKBENCH_PAGE_SIZE = 50
_WORKBENCH_FIELDS = (
    "pk",
    "number",
    "title",
    "confidential",
    "status",
    "extension_days",
    "case_type__name_zh",
    "case_type__name_en",
    "case_type__acceptance_days",
    "case_type__first_response_days",
    "case_type__resolution_days",
    "handler__full_name",
    "handler__username",
)


class WorkbenchLine(TypedDict):
    """One open case as the workbench shows it: plain values, so the template looks nothing up (a dict, which
    the template language reads at its first try, where an object's attribute costs it a caught exception)."""

    number: str
    url: str
    title: str
    confidential: bool
    type_name: str
    status_label: str
    handler: str
    limit: str  # the limit the case works towards now ("" when no clock runs yet)
    limit_label: str
    badge: str
    badge_label: str
    time_left: str
    due: str


def workbench(user: Any, *, today: datetime.date, status: str = "", page: Any = 1) -> Page:
    """The reader's open cases, the least time left first (stopped ones after the running ones), one page of
    `WORKBENCH_PAGE_SIZE` lines.

    The order needs every open case's clock, so all of them are read, as plain values (no model instances),
    with their histories in one query; labels and links are made for the page's lines only.
    """
    cases = visible_cases(user).filter(status__in=OPEN_STATUSES)
    if status:
        cases = cases.filter(status=status)
    rows = list(cases.values_list(*_WORKBENCH_FIELDS))
    steps = histories([r[0] for r in rows])
    clocks = case_limit_clocks(
        (
            (r[0], {"acceptance": r[8], "first_response": r[9], "resolution": r[10] + r[5]}, steps[r[0]])
            for r in rows
            if steps.get(r[0])
        ),
        today=today,
        calendar=current_calendar(),
    )
    ordered = []
    for r in rows:
        case_clocks = clocks.get(r[0])
        current = case_clocks.current if case_clocks else None
        if current is None:
            key: tuple[int, int, str] = (2, 0, r[1])
        else:
            key = (0 if current[1].state.running else 1, current[1].remaining, r[1])
        ordered.append((key, r, current))
    ordered.sort(key=lambda entry: entry[0])
    found = Paginator(ordered, WORKBENCH_PAGE_SIZE).get_page(page)
    detail = reverse("casework:detail", args=["0"])[:-2]  # the link of a case is this and its (quoted) number
    labels: dict[tuple[str, str], str] = {}

    def label_of(namespace: str, code: str) -> str:
        if (namespace, code) not in labels:
            labels[namespace, code] = label(namespace, code)
        return labels[namespace, code]

    lines: list[WorkbenchLine] = []
    for _key, r, current in found.object_list:
        kind, clock = current if current is not None else ("", None)
        badge = clock.badge if clock is not None else ""
        due = clock.state.due if clock is not None else None
        lines.append(
            {
                "number": r[1],
                "url": f"{detail}{quote(r[1])}/",
                "title": r[2],
                "confidential": r[3],
                "type_name": localized(r[6], r[7]),
                "status_label": label_of("case_status", r[4]),
                "handler": (r[11] or r[12]) if r[12] else "—",
                "limit": kind,
                "limit_label": label_of("case_limit", kind) if kind else "—",
                "badge": badge,
                "badge_label": label_of("case_badge", badge) if badge else "",
                "time_left": (
                    ngettext("%(n)s working day", "%(n)s working days", clock.remaining) % {"n": clock.remaining}
                    if clock is not None
                    else ""
                ),
                "due": due.isoformat() if due else "—",
            }
        )
    found.object_list = lines
    return found


def my_cases(user: Any) -> QuerySet[Case]:
    return visible_cases(user).select_related("case_type", "department").order_by("-filed_at")


def open_case_clocks(*, today: datetime.date) -> list[tuple[Case, str, CaseClock]]:
    """Open cases with each of their limits not yet met (acceptance, first response, resolution)."""
    rows = queue(Case.objects.filter(status__in=OPEN_STATUSES), today=today)
    out = []
    for row in rows:
        for kind, clock in row.clocks.items() if row.clocks else []:
            if clock is not None and not clock.done:
                out.append((row.case, kind, clock))
    return out


@dataclass
class Compliance:
    """One limit's compliance: met in time, and counted (finished plus open overdue)."""

    met: int = 0
    counted: int = 0

    @property
    def share(self) -> Decimal | None:
        return None if not self.counted else (Decimal(self.met) / self.counted).quantize(Decimal("0.0001"))

    def add(self, clock: CaseClock | None) -> None:
        if clock is None:
            return
        badge = clock.badge
        if badge == "met":
            self.met += 1
            self.counted += 1
        elif badge in ("late", "overdue"):
            self.counted += 1


@dataclass
class BoardRow:
    department: Any
    open: int = 0
    overdue: int = 0
    stopped: int = 0
    due: int = 0
    done: int = 0
    done_on_time: int = 0
    bad_ratings: int = 0
    ratings: int = 0
    extensions_pending: int = 0
    misroutes_caused: int = 0
    supervised: int = 0
    compliance: dict[str, Compliance] = field(default_factory=lambda: {kind: Compliance() for kind in LIMIT_KINDS})

    @property
    def on_time_share(self) -> Decimal | None:
        counted = self.done + self.overdue
        return None if not counted else (Decimal(self.done_on_time) / counted).quantize(Decimal("0.0001"))

    @property
    def compliance_rows(self) -> list[tuple[str, Compliance]]:
        return [(kind, self.compliance[kind]) for kind in LIMIT_KINDS]


@dataclass
class Board:
    rows: list[BoardRow]
    overdue_cases: list[QueueRow] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    bad: list[Rating] = field(default_factory=list)
    at_risk: list[QueueRow] = field(default_factory=list)
    supervisions: list[Supervision] = field(default_factory=list)


def board(*, today: datetime.date) -> Board:
    """The office's supervision board: every department's open cases, compliance, bad ratings, extensions.

    A fixed number of queries whatever the number of cases: the cases (with types and departments), their
    histories (one query), ratings, pending extensions, bad ratings and supervisions. Compliance is counted for
    each of the three limits; "at risk" are open cases whose current limit is due (supervise before it runs out).
    """
    cases = list(
        Case.objects.select_related("case_type", "department").only(
            "pk",
            "number",
            "title",
            "status",
            "extension_days",
            "department__code",
            "department__name_zh",
            "department__name_en",
            "department__section",
            "case_type__acceptance_days",
            "case_type__first_response_days",
            "case_type__resolution_days",
            "case_type__name_zh",
            "case_type__name_en",
        )
    )
    all_clocks = limit_clocks_for(cases, today=today)
    rows: dict[int, BoardRow] = {}
    overdue: list[QueueRow] = []
    at_risk: list[QueueRow] = []
    for case in cases:
        if case.department_id is None:
            continue
        row = rows.setdefault(case.department_id, BoardRow(case.department))
        clocks = all_clocks.get(case.pk)
        if clocks is None or clocks.resolution is None:
            continue
        for kind in LIMIT_KINDS:
            row.compliance[kind].add(clocks.get(kind))
        clock = clocks.resolution
        badge = clock.badge
        if case.status in OPEN_STATUSES:
            row.open += 1
            current = clocks.current
            current_badge = current[1].badge if current else badge
            if badge == "overdue" or current_badge == "overdue":
                row.overdue += badge == "overdue"
                overdue.append(QueueRow(case, clocks))
            elif current_badge == "due":
                at_risk.append(QueueRow(case, clocks))
            if badge == "stopped":
                row.stopped += 1
            elif badge == "due":
                row.due += 1
        else:
            row.done += 1
            row.done_on_time += badge == "met"
    for department_id, bad in Rating.objects.values_list("case__department_id", "bad"):
        if department_id in rows:
            rows[department_id].ratings += 1
            rows[department_id].bad_ratings += bad
    extensions = list(
        Extension.objects.filter(status=ExtensionStatus.REQUESTED).select_related("case", "case__department")
    )
    for ext in extensions:
        if ext.case.department_id in rows:
            rows[ext.case.department_id].extensions_pending += 1
    bad_ratings = list(Rating.objects.filter(bad=True).select_related("case", "case__department").order_by("-on")[:50])
    for department_id in Supervision.objects.values_list("case__department_id", flat=True):
        if department_id in rows:
            rows[department_id].supervised += 1
    supervisions = list(Supervision.objects.select_related("case", "case__department", "by")[:50])
    overdue.sort(key=lambda r: r.current[1].remaining if r.current else 0)
    at_risk.sort(key=lambda r: r.current[1].remaining if r.current else 0)
    ordered = sorted(rows.values(), key=lambda r: (r.department.section, r.department.code))
    return Board(
        rows=ordered,
        overdue_cases=overdue[:200],
        extensions=extensions,
        bad=bad_ratings,
        at_risk=at_risk[:200],
        supervisions=supervisions,
    )


def misroutes_by_router() -> dict[int, int]:
    """Misroute returns counted against the person who routed the case (not the receiving department)."""
    counts: dict[int, int] = defaultdict(int)
    for router_id in Transfer.objects.filter(misroute=True).values_list("router_id", flat=True):
        if router_id:
            counts[router_id] += 1
    return dict(counts)


@dataclass
class Figure:
    case_type: Any
    department: Any
    done: int
    on_time: int
    ratings: int
    satisfied: int
    withheld: bool = False
    requesters: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_share(self) -> Decimal | None:
        return None if not self.done else (Decimal(self.on_time) / self.done).quantize(Decimal("0.0001"))

    @property
    def satisfaction_share(self) -> Decimal | None:
        return None if not self.ratings else (Decimal(self.satisfied) / self.ratings).quantize(Decimal("0.0001"))


def figures(*, today: datetime.date, public: bool = False, cases: Iterable[Case] | None = None) -> list[Figure]:
    """On-time share (finished cases) and satisfaction by case type and department.

    For the public (`public=True`), a cell whose cases come from fewer requesters than the disclosure rule's
    minimum, or mostly from one requester, is withheld (statistics/disclosure.py), and confidential types are
    shown only as figures, never as cases.
    """
    from waibao.statistics.disclosure import is_sensitive, office_rule

    rows = list(
        cases
        if cases is not None
        else Case.objects.filter(status__in=(CaseStatus.ANSWERED, CaseStatus.CLOSED)).select_related(
            "case_type", "department"
        )
    )
    clocks = clocks_for(rows, today=today)
    ratings = dict(Rating.objects.filter(case__in=[c.pk for c in rows]).values_list("case_id", "bad"))
    cells: dict[tuple[int, int], Figure] = {}
    for case in rows:
        if case.department_id is None or case.pk not in clocks:
            continue
        key = (case.case_type_id, case.department_id)
        fig = cells.setdefault(key, Figure(case.case_type, case.department, 0, 0, 0, 0))
        fig.done += 1
        fig.on_time += clocks[case.pk].badge == "met"
        if case.pk in ratings:
            fig.ratings += 1
            fig.satisfied += not ratings[case.pk]
        who = f"e{case.enterprise_id}" if case.enterprise_id else f"p{case.contact_email.lower()}"
        fig.requesters[who] = fig.requesters.get(who, 0) + 1
    out = sorted(cells.values(), key=lambda f: (f.case_type.order, f.department.section))
    if public:
        rule = office_rule()
        for fig in out:
            fig.withheld = is_sensitive(fig.requesters, rule)
    return out


def indicator_figure(indicator: str, *, today: datetime.date, calendar: WorkCalendar) -> tuple[int, int]:
    """For a duty's live indicator: (finished on time, finished + open overdue) over the last 12 months of the
    case types whose owning duty names `indicator`."""
    since = today - datetime.timedelta(days=365)
    cases = list(
        Case.objects.filter(case_type__duty__indicator=indicator, filed_at__date__gte=since).select_related("case_type")
    )
    compliance = Compliance()
    for clock in clocks_for(cases, today=today, calendar=calendar).values():
        compliance.add(clock)
    return compliance.met, compliance.counted
