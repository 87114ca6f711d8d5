"""Reads of casework: queues with their clocks, the supervision board, figures by type and department."""

from __future__ import annotations

import datetime
import functools
import hashlib
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from json import loads
from typing import Any, TypedDict
from urllib.parse import quote

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from waibao.accounts.models import Role
from waibao.casework.access import visible_cases
from waibao.casework.clocks import LIMIT_KINDS, CaseClock, CaseClocks, Step, case_clocks, case_limit_clocks
from waibao.casework.models import (
    DONE_STATUSES,
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
from waibao.common.labels import label_in
from waibao.common.plain_sql import column, moment_from_db, table
from waibao.workdays.calendar import WorkCalendar
from waibao.workdays.selectors import current_calendar
from waibao.workdays.timelimits import due_text

OPEN_STATUSES = (CaseStatus.FILED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.RETURNED, CaseStatus.WAITING)
_OPEN_VALUES = tuple(str(s.value) for s in OPEN_STATUSES)  # plain strings: the query's parameters cost less


def case_limit(case: Case) -> int:
    return case.case_type.resolution_days + case.extension_days


def case_limits(case: Case) -> dict[str, int]:
    """The working days of each of the case's three limits (the extension adds to the resolution)."""
    return {
        "acceptance": case.case_type.acceptance_days,
        "first_response": case.case_type.first_response_days,
        "resolution": case_limit(case),
    }


def stored_steps(stored: Sequence[Sequence[str]]) -> list[Step]:
    """A case's status history from its stored copy (`Case.steps`), as the clocks read it."""
    fromisoformat = datetime.date.fromisoformat
    return [(fromisoformat(on), status, action) for on, status, action in stored]


def histories(case_ids: Sequence[int]) -> dict[int, list[Step]]:
    """The status histories of the cases from `CaseChange`, in one query (the lists read the stored copies; the
    tests hold those against this)."""
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
    """The three time limits of the cases (their types selected with them), from their stored histories as the
    database holds them now (one query): an instance read before a service changed its case (which the service
    does on a locked copy) still has its history of then."""
    steps = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "steps"))
    return _limit_clocks_of(cases, steps, today=today, calendar=calendar)


def _limit_clocks_of(
    cases: Sequence[Case],
    steps: dict[int, list[list[str]]],
    *,
    today: datetime.date,
    calendar: WorkCalendar | None = None,
) -> dict[int, CaseClocks]:
    calendar = calendar or current_calendar()
    return case_limit_clocks(
        ((c.pk, case_limits(c), stored_steps(steps[c.pk])) for c in cases if steps.get(c.pk)),
        today=today,
        calendar=calendar,
    )


# The columns a case read as plain values needs for its three limits (the extension adds to the resolution) and
# its stored history.
_LIMIT_FIELDS = (
    "case_type__acceptance_days",
    "case_type__first_response_days",
    "case_type__resolution_days",
    "extension_days",
    "steps",
)


def limit_clocks_of_values(
    rows: Sequence[Sequence[Any]],
    fields: Sequence[str],
    *,
    today: datetime.date,
    calendar: WorkCalendar | None = None,
) -> dict[int, CaseClocks]:
    """`limit_clocks_for` for cases read as plain values: `rows` as `values_list(*fields)` returned them, the
    case's id first and the `_LIMIT_FIELDS` among the fields (the stored history with them: no other query)."""
    acceptance, first_response, resolution, extension, steps = (fields.index(name) for name in _LIMIT_FIELDS)
    return case_limit_clocks(
        (
            (
                r[0],
                {
                    "acceptance": r[acceptance],
                    "first_response": r[first_response],
                    "resolution": r[resolution] + r[extension],
                },
                stored_steps(r[steps]),
            )
            for r in rows
            if r[steps]
        ),
        today=today,
        calendar=calendar or current_calendar(),
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
    clocks = _limit_clocks_of(rows, {c.pk: c.steps for c in rows}, today=today)  # read just now, with the cases
    out = [QueueRow(c, clocks.get(c.pk)) for c in rows]

    def key(row: QueueRow) -> tuple[int, int, str]:
        current = row.current
        if current is None:
            return (2, 0, row.case.number)
        clock = current[1]
        return (0 if clock.state.running else 1, clock.remaining, row.case.number)

    return sorted(out, key=key)


# The words of the workbench's and the board's lines, made once per process for each language: a process's
# catalogues do not change, and a translation costs some twenty calls each time it is looked up (labels of
# codes: `common.labels.label_in`).
@functools.lru_cache(maxsize=1024)
def _working_days(language: str | None, kind: str, n: int) -> str:
    """ "n working days left" (`kind` "left") or "n working days used" ("used") in `language`."""
    with translation.override(language):
        if kind == "left":
            return ngettext("%(n)s working day", "%(n)s working days", n) % {"n": n}
        return ngettext("%(n)s working day used", "%(n)s working days used", n) % {"n": n}


@functools.lru_cache(maxsize=256)
def _localized(language: str | None, zh: str, en: str) -> str:
    """A case type's name in `language`."""
    with translation.override(language):
        return localized(zh, en)


@functools.lru_cache(maxsize=8)
def _case_link_base(script_prefix: str) -> str:
    """The link of a case without its number (the link is this and its quoted number), for the script prefix."""
    return reverse("casework:detail", args=["0"])[:-2]


_first = operator.itemgetter(0)


def _case_url(detail: str, number: str) -> str:
    """A case's page: `detail` and its number, quoted unless it is plain letters and digits, as every tracking
    number the services make is."""
    return f"{detail}{number if number.isascii() and number.isalnum() else quote(number)}/"


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
    "steps",
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


@functools.cache
def _workbench_sql(*, department: bool, status: bool) -> str:
    """`_WORKBENCH_FIELDS` of the open cases (their statuses the first parameters), of one department and of one
    status when asked (the next parameters): written once as SQL from the models' names, as the board's (the ORM
    compiled its two joins and fourteen columns anew on every request, some 1,000 Python calls)."""
    from waibao.accounts.models import User
    from waibao.casework.models import CaseType

    case = [column(Case, name) for name in ("pk", "number", "title", "confidential", "status", "extension_days")]
    kinds = [column(CaseType, name) for name in ("name_zh", "name_en", *(f"{kind}_days" for kind in LIMIT_KINDS))]
    state = column(Case, "status")
    where = f"c.{state} IN ({', '.join(['%s'] * len(_OPEN_VALUES))})"
    if department:
        where += f" AND c.{column(Case, 'department')} = %s"
    if status:
        where += f" AND c.{state} = %s"
    return (
        f"SELECT {', '.join(f'c.{name}' for name in case)}, {', '.join(f't.{name}' for name in kinds)}, "  # noqa: S608
        f"h.{column(User, 'full_name')}, h.{column(User, 'username')}, c.{column(Case, 'steps')} "
        f"FROM {table(Case)} c INNER JOIN {table(CaseType)} t "
        f"ON t.{column(CaseType, 'pk')} = c.{column(Case, 'case_type')} "
        f"LEFT OUTER JOIN {table(User)} h ON h.{column(User, 'pk')} = c.{column(Case, 'handler')} WHERE {where}"
    )


def _workbench_rows(user: Any, status: str) -> list[tuple[Any, ...]]:
    """The `_WORKBENCH_FIELDS` of the reader's open cases (of `status` if given), unordered: through
    `_workbench_sql` for the two readers of the workbench whose cases `visible_cases` scopes by role alone (the
    office: every case; a department's reviewer: the department's), through `visible_cases` for any other."""
    signed_in = user is not None and user.is_authenticated
    role = getattr(user, "role", None)
    if signed_in and (user.is_superuser or role == Role.PROGRAMME_OFFICE):
        scope: list[Any] = []
    elif signed_in and role == Role.DEPARTMENT_REVIEWER and user.department_id:
        scope = [user.department_id]
    else:
        cases = visible_cases(user).filter(status__in=_OPEN_VALUES)
        if status:
            cases = cases.filter(status=status)
        return list(cases.order_by().values_list(*_WORKBENCH_FIELDS))
    sql = _workbench_sql(department=bool(scope), status=bool(status))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_OPEN_VALUES, *scope, *([status] if status else [])])
        # As the ORM gives them: SQLite's booleans are integers, and the stored history is text from a cursor.
        return [(*r[:3], bool(r[3]), *r[4:-1], loads(r[-1]) if isinstance(r[-1], str) else r[-1]) for r in cursor]


# The workbench's clocks, kept in the process for the inputs they are a pure function of: the day, the calendar
# (its fingerprint) and each case's limits, extension and stored history. Nothing to invalidate: a change to any
# of them is a new key. A handful of entries (readers' scopes and status filters on one day).
_CLOCKS_MEMO: dict[tuple[datetime.date, str, str], dict[int, CaseClocks]] = {}
_CLOCKS_MEMO_SIZE = 32
_CLOCK_INPUTS = (0, *(_WORKBENCH_FIELDS.index(name) for name in _LIMIT_FIELDS))  # the case's id and _LIMIT_FIELDS


def _workbench_clocks(rows: Sequence[Sequence[Any]], today: datetime.date) -> dict[int, CaseClocks]:
    calendar = current_calendar()
    inputs = repr([[r[i] for i in _CLOCK_INPUTS] for r in rows]).encode()
    digest = hashlib.blake2b(inputs, digest_size=16).hexdigest()
    key = (today, calendar.fingerprint, digest)
    clocks = _CLOCKS_MEMO.get(key)
    if clocks is None:
        clocks = limit_clocks_of_values(rows, _WORKBENCH_FIELDS, today=today, calendar=calendar)
        if len(_CLOCKS_MEMO) >= _CLOCKS_MEMO_SIZE:
            _CLOCKS_MEMO.clear()
        _CLOCKS_MEMO[key] = clocks
    return clocks


def workbench(user: Any, *, today: datetime.date, status: str = "", page: Any = 1) -> Page:
    """The reader's open cases, the least time left first (stopped ones after the running ones), one page of
    `WORKBENCH_PAGE_SIZE` lines.

    The order needs every open case's clock, so all of them are read, as plain values (no model instances),
    with their histories in one query; labels and links are made for the page's lines only.
    """
    rows = _workbench_rows(user, status)  # ordered below, by the clocks
    clocks = _workbench_clocks(rows, today)
    ordered = []
    for r in rows:
        case_clocks = clocks.get(r[0])
        current = case_clocks.current if case_clocks else None
        if current is None:
            key: tuple[int, int, str] = (2, 0, r[1])
        else:
            now = current[1].state
            key = (0 if now.running else 1, now.limit - now.elapsed, r[1])  # running first, least time left
        ordered.append((key, r, current))
    ordered.sort(key=_first)
    found = Paginator(ordered, WORKBENCH_PAGE_SIZE).get_page(page)
    detail = _case_link_base(get_script_prefix())
    language = translation.get_language()
    lines: list[WorkbenchLine] = []
    for _key, r, current in found.object_list:
        kind, clock = current if current is not None else ("", None)
        badge = clock.badge if clock is not None else ""
        state = clock.state if clock is not None else None
        lines.append(
            {
                "number": r[1],
                "url": _case_url(detail, r[1]),
                "title": r[2],
                "confidential": r[3],
                "type_name": _localized(language, r[6], r[7]),
                "status_label": label_in(language, "case_status", r[4]),
                "handler": (r[11] or r[12]) if r[12] else "—",
                "limit": kind,
                "limit_label": label_in(language, "case_limit", kind) if kind else "—",
                "badge": badge,
                "badge_label": label_in(language, "case_badge", badge) if badge else "",
                "time_left": _working_days(language, "left", state.limit - state.elapsed) if state is not None else "",
                "due": due_text(state) or "—",
            }
        )
    return Page(lines, found.number, found.paginator)


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


class BoardLine(TypedDict):
    """An overdue or at-risk case on the board, as plain values (see `WorkbenchLine`)."""

    number: str
    url: str
    confidential: bool
    department: str
    title: str
    limit: str
    limit_label: str
    badge: str
    badge_label: str
    used: str  # working days used of the current limit, in words


class BoardItem(TypedDict):
    """A pending extension, a bad rating or a supervision on the board, as plain values."""

    number: str
    url: str
    confidential: bool
    department: str
    text: str  # the extension's days, the rating's rectification, the supervision's limit and badge
    note: str  # the extension's reason (as written, not translated)
    at: str  # when the case was supervised


class BoardCells(TypedDict):
    """A department's line of the board's table, every cell as the page shows it."""

    department: str
    open: int
    due: int
    overdue: int
    stopped: int
    done: int
    on_time: str
    acceptance: str
    first_response: str
    ratings: str
    extensions: int
    supervised: int


def _percent(share: Decimal | None) -> str:
    return "—" if share is None else f"{round(float(share) * 100)}%"  # as {% widthratio share 1 100 %}%


def _compliance_cell(compliance: Compliance) -> str:
    if compliance.share is None:
        return "—"
    return f"{_percent(compliance.share)} ({compliance.met}/{compliance.counted})"


def board_cells(row: BoardRow) -> BoardCells:
    return {
        "department": row.department.name,
        "open": row.open,
        "due": row.due,
        "overdue": row.overdue,
        "stopped": row.stopped,
        "done": row.done,
        "on_time": _percent(row.on_time_share),
        "acceptance": _compliance_cell(row.compliance["acceptance"]),
        "first_response": _compliance_cell(row.compliance["first_response"]),
        "ratings": f"{row.bad_ratings} / {row.ratings}",
        "extensions": row.extensions_pending,
        "supervised": row.supervised,
    }


@dataclass
class Board:
    rows: list[BoardRow]
    overdue_cases: list[BoardLine] = field(default_factory=list)
    extensions: list[BoardItem] = field(default_factory=list)
    bad: list[BoardItem] = field(default_factory=list)
    at_risk: list[BoardLine] = field(default_factory=list)
    supervisions: list[BoardItem] = field(default_factory=list)

    @property
    def table(self) -> list[BoardCells]:
        return [board_cells(row) for row in self.rows]


# An open case (or a finished one whose stored badges were counted with another calendar) as the board clocks it.
_BOARD_FIELDS = (
    "pk",
    "number",
    "title",
    "status",
    "confidential",
    "extension_days",
    "department_id",
    "case_type__acceptance_days",
    "case_type__first_response_days",
    "case_type__resolution_days",
    "steps",
)
_DONE_VALUES = tuple(str(s.value) for s in DONE_STATUSES)
COUNTED_BADGES = ("met", "late", "overdue")  # a limit's compliance counts these (`Compliance.add`)


@functools.cache
def _board_counts_sql() -> str:
    """Per department: ratings and bad ones, supervisions, and the finished cases whose badges are stored for the
    calendar given (the first parameter; the done statuses follow): finished, on time, and met/counted per limit
    (the cases' columns from the index `case_board_counts`, not from their rows; written once as SQL from the
    models' names: the ORM would build a dozen filtered aggregates a request)."""
    case_pk, department = column(Case, "pk"), column(Case, "department")
    counted = ", ".join(f"'{badge}'" for badge in COUNTED_BADGES)
    limits = ", ".join(
        f"SUM(CASE WHEN stored = 1 AND {kind} = 'met' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN stored = 1 AND {kind} IN ({counted}) THEN 1 ELSE 0 END)"
        for kind in LIMIT_KINDS
    )
    badges = ", ".join(f"c.{column(Case, f'{kind}_badge')} AS {kind}" for kind in LIMIT_KINDS)
    done = ", ".join(["%s"] * len(_DONE_VALUES))
    return (
        f"SELECT department, SUM(stored), {limits}, COUNT(rating), SUM(CASE WHEN bad THEN 1 ELSE 0 END), "  # noqa: S608
        f"COALESCE(SUM(supervised), 0) FROM ("
        f"SELECT c.{department} AS department, r.{column(Rating, 'pk')} AS rating, r.{column(Rating, 'bad')} AS bad, "
        f"s.n AS supervised, CASE WHEN c.{column(Case, 'badges_calendar')} = %s AND c.{column(Case, 'status')} "
        f"IN ({done}) THEN 1 ELSE 0 END AS stored, {badges} "
        f"FROM {table(Case)} c LEFT JOIN {table(Rating)} r ON r.{column(Rating, 'case')} = c.{case_pk} "
        f"LEFT JOIN (SELECT {column(Supervision, 'case')} AS case_id, COUNT(*) AS n FROM {table(Supervision)} "
        f"GROUP BY {column(Supervision, 'case')}) s ON s.case_id = c.{case_pk} "
        f"WHERE c.{department} IS NOT NULL) counts GROUP BY department"
    )


@functools.cache
def _board_cases_sql() -> str:
    """`_BOARD_FIELDS` of the cases whose clocks the board computes: the open ones (their statuses the first
    parameters), and the finished ones (the done statuses next) whose badges were not stored for the calendar given
    (last, twice), the latest filed first (written once as SQL, as `_board_counts_sql`)."""
    from waibao.casework.models import CaseType

    case = [column(Case, name) for name in ("pk", "number", "title", "status", "confidential", "extension_days")]
    kinds = [column(CaseType, f"{kind}_days") for kind in LIMIT_KINDS]
    status, badges = column(Case, "status"), column(Case, "badges_calendar")
    return (
        f"SELECT {', '.join(f'c.{name}' for name in case)}, c.{column(Case, 'department')}, "  # noqa: S608
        f"{', '.join(f't.{name}' for name in kinds)}, c.{column(Case, 'steps')} "
        # CROSS JOIN: the cases first (SQLite takes the tables in this order; their statuses' indexes find them).
        f"FROM {table(Case)} c CROSS JOIN {table(CaseType)} t "
        f"WHERE t.{column(CaseType, 'pk')} = c.{column(Case, 'case_type')} AND ("
        f"c.{status} IN ({', '.join(['%s'] * len(_OPEN_VALUES))}) OR (c.{status} IN "
        f"({', '.join(['%s'] * len(_DONE_VALUES))}) AND (c.{badges} < %s OR c.{badges} > %s))) "  # indexed: not <>
        f"ORDER BY c.{column(Case, 'filed_at')} DESC, c.{column(Case, 'pk')} DESC"
    )


@functools.cache
def _board_lists_sql() -> tuple[str, str, str]:
    """The latest 50 supervisions, the latest 50 bad ratings and the pending extensions, each with its case's
    number, confidentiality and department (written once as SQL, as `_board_counts_sql`)."""
    case = f"c.{column(Case, 'number')}, c.{column(Case, 'confidential')}, c.{column(Case, 'department')}"
    case_pk = column(Case, "pk")
    supervisions = (
        f"SELECT {case}, s.{column(Supervision, 'at')}, s.{column(Supervision, 'limit')}, "  # noqa: S608
        f"s.{column(Supervision, 'badge')} FROM {table(Supervision)} s "
        f"JOIN {table(Case)} c ON c.{case_pk} = s.{column(Supervision, 'case')} "
        f"ORDER BY s.{column(Supervision, 'at')} DESC, s.{column(Supervision, 'pk')} DESC LIMIT 50"
    )
    bad = (
        f"SELECT {case}, r.{column(Rating, 'rectification')} FROM {table(Rating)} r "  # noqa: S608
        f"JOIN {table(Case)} c ON c.{case_pk} = r.{column(Rating, 'case')} WHERE r.{column(Rating, 'bad')} = %s "
        f"ORDER BY r.{column(Rating, 'on')} DESC, c.{column(Case, 'filed_at')} DESC, c.{case_pk} DESC LIMIT 50"
    )
    extensions = (
        f"SELECT {case}, e.{column(Extension, 'days')}, e.{column(Extension, 'reason')} "  # noqa: S608
        f"FROM {table(Extension)} e JOIN {table(Case)} c ON c.{case_pk} = e.{column(Extension, 'case')} "
        f"WHERE e.{column(Extension, 'status')} = %s "
        f"ORDER BY e.{column(Extension, 'requested_at')}, e.{column(Extension, 'pk')}"
    )
    return supervisions, bad, extensions


@dataclass(frozen=True)
class BoardDepartment:
    """A department as the board names and orders it."""

    pk: int
    code: str
    section: int
    name: str  # in the reader's language


def board_departments() -> dict[int, BoardDepartment]:
    """Every department by id, from the public cache under the governance area: the governance data set, the only
    writer of departments, marks it changed (a query, and its models, on every request of the board)."""
    from waibao.common import public_cache
    from waibao.governance.models import Department
    from waibao.governance.selectors import DUTIES_AREA

    return public_cache.cached(
        "casework-board-departments",
        areas=(DUTIES_AREA,),
        compute=lambda: {
            pk: BoardDepartment(pk, code, section, localized(zh, en))
            for pk, code, section, zh, en in Department.objects.order_by().values_list(
                "pk", "code", "section", "name_zh", "name_en"
            )
        },
    )


def board(*, today: datetime.date) -> Board:
    """The office's supervision board: every department's open cases, compliance, bad ratings, extensions.

    It reads what can still change, in a fixed number of queries whatever the number of cases: the open cases as
    plain values with their types' limits and stored histories, clocked here (their clocks move with the date);
    the finished cases, whose clocks no longer move, counted per department in SQL from the badges the services
    stored when they finished (with the ratings and the supervisions); the latest supervisions and bad ratings and
    the pending extensions, each with its case. A finished case whose badges were counted with another calendar
    than the current one is clocked here as an open one. The departments' names come from the cache. Compliance
    is counted for each of the three limits; "at risk" are open cases whose current limit is due (supervise
    before it runs out).
    """
    calendar = current_calendar()
    departments = board_departments()
    counts_sql = _board_counts_sql()
    supervisions_sql, bad_sql, extensions_sql = _board_lists_sql()
    rows: dict[int, BoardRow] = {}
    names: dict[int, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(counts_sql, [calendar.fingerprint, *_DONE_VALUES])
        for department_id, done, *limits, ratings, bad, supervised in cursor.fetchall():
            if department_id not in departments:
                continue
            department = departments[department_id]
            names[department_id] = department.name
            rows[department_id] = BoardRow(
                department,
                ratings=int(ratings),
                bad_ratings=int(bad),
                supervised=int(supervised),
                done=int(done),
                done_on_time=int(limits[4]),  # the resolution met
                compliance={
                    kind: Compliance(int(limits[2 * i]), int(limits[2 * i + 1])) for i, kind in enumerate(LIMIT_KINDS)
                },
            )
        cursor.execute(supervisions_sql)
        latest_supervisions = cursor.fetchall()
        cursor.execute(bad_sql, [True])
        latest_bad = cursor.fetchall()
        cursor.execute(extensions_sql, [ExtensionStatus.REQUESTED.value])
        pending = cursor.fetchall()
        cursor.execute(_board_cases_sql(), [*_OPEN_VALUES, *_DONE_VALUES, calendar.fingerprint, calendar.fingerprint])
        # The latest filed first: the lists' order on a tie. The stored history as text, as a cursor gives it.
        cases = [(*case[:-1], loads(case[-1]) if isinstance(case[-1], str) else case[-1]) for case in cursor]
    all_clocks = limit_clocks_of_values(cases, _BOARD_FIELDS, today=today, calendar=calendar)
    overdue: list[tuple[int, tuple[Any, ...], tuple[str, CaseClock]]] = []
    at_risk: list[tuple[int, tuple[Any, ...], tuple[str, CaseClock]]] = []
    for case in cases:
        row = rows.get(case[6]) if case[6] is not None else None
        clocks = all_clocks.get(case[0])
        if row is None or clocks is None or clocks.resolution is None:
            continue
        compliance = row.compliance
        compliance["acceptance"].add(clocks.acceptance)
        compliance["first_response"].add(clocks.first_response)
        compliance["resolution"].add(clocks.resolution)
        clock = clocks.resolution
        badge = clock.badge
        if case[3] in OPEN_STATUSES:
            row.open += 1
            current = clocks.current or ("resolution", clock)
            current_badge = current[1].badge
            if badge == "overdue" or current_badge == "overdue":
                row.overdue += badge == "overdue"
                overdue.append((current[1].remaining, case, current))
            elif current_badge == "due":
                at_risk.append((current[1].remaining, case, current))
            if badge == "stopped":
                row.stopped += 1
            elif badge == "due":
                row.due += 1
        else:
            row.done += 1
            row.done_on_time += badge == "met"
    detail = _case_link_base(get_script_prefix())
    language = translation.get_language()
    extensions: list[BoardItem] = []
    for number, confidential, department_id, days, reason in pending:
        if department_id in rows:
            rows[department_id].extensions_pending += 1
        extensions.append(
            _board_item(detail, number, bool(confidential), names.get(department_id, ""), f"+{days}", note=reason)
        )
    bad_ratings = [
        _board_item(
            detail,
            number,
            bool(confidential),
            names.get(department_id, ""),
            label_in(language, "case_rectification", rectification),
        )
        for number, confidential, department_id, rectification in latest_bad
    ]
    supervisions = [
        _board_item(
            detail,
            number,
            bool(confidential),
            names.get(department_id, ""),
            f"{label_in(language, 'case_limit', limit)} {label_in(language, 'case_badge', badge)}",
            at=f"{timezone.localtime(moment_from_db(at)):%Y-%m-%d %H:%M}",
        )
        for number, confidential, department_id, at, limit, badge in latest_supervisions
    ]
    overdue.sort(key=lambda entry: entry[0])
    at_risk.sort(key=lambda entry: entry[0])
    ordered = sorted(rows.values(), key=lambda r: (r.department.section, r.department.code))
    lines = _board_lines(overdue[:200] + at_risk[:200], names, detail=detail, language=language)
    return Board(
        rows=ordered,
        overdue_cases=lines[: min(len(overdue), 200)],
        extensions=extensions,
        bad=bad_ratings,
        at_risk=lines[min(len(overdue), 200) :],
        supervisions=supervisions,
    )


def _board_item(
    detail: str, number: str, confidential: bool, department: str, text: str, *, note: str = "", at: str = ""
) -> BoardItem:
    return {
        "number": number,
        "url": _case_url(detail, number),
        "confidential": confidential,
        "department": department,
        "text": text,
        "note": note,
        "at": at,
    }


def _board_lines(
    entries: list[tuple[int, tuple[Any, ...], tuple[str, CaseClock]]],
    departments: dict[int, str],
    *,
    detail: str,
    language: str | None,
) -> list[BoardLine]:
    lines: list[BoardLine] = []
    for _remaining, case, (kind, clock) in entries:
        badge = clock.badge
        lines.append(
            {
                "number": case[1],
                "url": _case_url(detail, case[1]),
                "confidential": bool(case[4]),
                "department": departments[case[6]],
                "title": case[2],
                "limit": kind,
                "limit_label": label_in(language, "case_limit", kind),
                "badge": badge,
                "badge_label": label_in(language, "case_badge", badge),
                "used": _working_days(language, "used", clock.state.elapsed),
            }
        )
    return lines


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
    # A finished case's resolution badge as its service stored it for the current calendar; the others clocked.
    fingerprint = current_calendar().fingerprint
    badges = {
        c.pk: c.resolution_badge
        for c in rows
        if c.status in DONE_STATUSES and c.resolution_badge and c.badges_calendar == fingerprint
    }
    clocks = clocks_for([c for c in rows if c.pk not in badges], today=today)
    badges.update((pk, clock.badge) for pk, clock in clocks.items())
    ratings = dict(Rating.objects.filter(case__in=[c.pk for c in rows]).values_list("case_id", "bad"))
    cells: dict[tuple[int, int], Figure] = {}
    for case in rows:
        if case.department_id is None or case.pk not in badges:
            continue
        key = (case.case_type_id, case.department_id)
        fig = cells.setdefault(key, Figure(case.case_type, case.department, 0, 0, 0, 0))
        fig.done += 1
        fig.on_time += badges[case.pk] == "met"
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
    case types whose owning duty names `indicator`. Only the resolution clock counts, so only it is computed, from
    the cases read as plain values with their stored histories, in one query (no case's `CaseChange` rows)."""
    since = today - datetime.timedelta(days=365)
    cases = Case.objects.filter(case_type__duty__indicator=indicator, filed_at__date__gte=since).values_list(
        "pk", "case_type__resolution_days", "extension_days", "steps"
    )
    compliance = Compliance()
    found = case_clocks(
        (
            (pk, resolution_days + extension_days, stored_steps(steps))
            for pk, resolution_days, extension_days, steps in cases
            if steps
        ),
        today=today,
        calendar=calendar,
    )
    for clock in found.values():
        compliance.add(clock)
    return compliance.met, compliance.counted
