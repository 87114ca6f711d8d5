"""The three time limits of cases, computed from their status history whenever they are read.

A status history is a list of steps `(day, status, action)` in the order they happened. Each limit is a clock
that runs between two events of that history, stops while the case waits on the requester or stands
answered/closed (`STOPPED_STATUSES`), and counts working days (`waibao.workdays`):

- **acceptance**: from filing to the first step out of "filed" (accepted, assigned, or not accepted);
- **first response**: from the first acceptance or assignment to the first reply to the requester (a step
  whose action is in `REPLY_ACTIONS`: a reply, a question to the requester, the answer); none for a case that
  was never accepted;
- **resolution**: from filing to the answer or closing, running again when the case is reopened; its limit is
  the type's resolution days plus an approved extension.

Changes on the same day collapse to the last one (the calendar's convention: a change on day t governs the
days after t, so only the day's final state matters).

`case_clock` answers one resolution clock; `case_clocks` many through the numpy path of
`workdays.timelimits.clock_states`; `case_limit_clocks` all three limits of many cases in one numpy pass
(workbench, supervision board, case page, figures).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from waibao.casework.models import DONE_STATUSES, STOPPED_STATUSES, CaseStatus
from waibao.workdays.calendar import CalendarYearMissingError, WorkCalendar
from waibao.workdays.timelimits import Change, ClockState, clock_state, clock_states

StatusChange = tuple[datetime.date, str]
Step = tuple[datetime.date, str, str]  # (day, status, action)
DUE_SOON_DAYS = 1  # the badge turns "due" when this many working days or fewer are left
LIMIT_KINDS = ("acceptance", "first_response", "resolution")
REPLY_ACTIONS = frozenset({"reply", "ask_requester", "answer"})
ACCEPTED_STATUSES = frozenset({CaseStatus.ACCEPTED.value, CaseStatus.ASSIGNED.value})
# Plain strings: set lookups on the hot path of the board (100,000 cases) avoid the enum's comparisons.
_STOPPED = frozenset(str(s.value) for s in STOPPED_STATUSES)
_DONE = frozenset(str(s.value) for s in DONE_STATUSES)
_FILED = CaseStatus.FILED.value
_ANSWERED = CaseStatus.ANSWERED.value
_day = operator.itemgetter(0)


def _segment(rows: Sequence[Sequence[Any]]) -> list[Change]:
    """(date, running) changes of consecutive steps, same-day steps collapsed to the day's last."""
    history: list[Change] = []
    last_on = None
    for row in rows:
        on, running = row[0], row[1] not in _STOPPED
        if on == last_on:
            history[-1] = (on, running)
        else:
            history.append((on, running))
            last_on = on
    return history


def _ordered(changes: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    return sorted(changes, key=_day)  # stable: same-day order kept; a C key (no Python call a step)


def clock_history(changes: Sequence[Sequence[Any]]) -> tuple[list[Change], datetime.date | None]:
    """The resolution clock's (date, running) changes of a status history, and the day it was finished."""
    rows = _ordered(changes)
    final_status = rows[-1][1]
    return _segment(rows), (rows[-1][0] if final_status in _DONE else None)


def limit_history(kind: str, steps: Sequence[Step]) -> tuple[list[Change], datetime.date | None] | None:
    """The clock of one limit (see the module's docstring), or None when that clock never started."""
    if not steps:
        return None
    return _limit_history(kind, _ordered(steps))


def _limit_history(kind: str, rows: Sequence[Sequence[Any]]) -> tuple[list[Change], datetime.date | None] | None:
    """`limit_history` of steps already in order."""
    if kind == "resolution":
        return _segment(rows), (rows[-1][0] if rows[-1][1] in _DONE else None)
    # Plain loops rather than `next(generator)`: this runs three times for every case the board reads.
    end: int | None = None
    if kind == "acceptance":
        start = 0
        for i, row in enumerate(rows):
            if row[1] != _FILED:
                end = i
                break
    elif kind == "first_response":
        found = None
        for i, row in enumerate(rows):
            if row[1] in ACCEPTED_STATUSES:
                found = i
                break
        if found is None:
            return None
        start = found
        for i in range(start + 1, len(rows)):
            if rows[i][2] in REPLY_ACTIONS:
                end = i
                break
    else:
        raise ValueError(f"unknown time limit {kind!r}")
    if end is None:
        return _segment(rows[start:]), None
    # The end stops the clock on its day, as an answer stops the resolution clock.
    return _segment([*rows[start:end], (rows[end][0], _ANSWERED)]), rows[end][0]


@dataclass(frozen=True)
class CaseClock:
    state: ClockState

    @property
    def badge(self) -> str:
        s = self.state
        if s.done_on is not None:
            return "met" if s.met else "late"
        if s.overdue:
            return "overdue"
        if not s.running:
            return "stopped"
        return "due" if s.remaining <= DUE_SOON_DAYS else "on_track"

    @property
    def remaining(self) -> int:
        return self.state.remaining

    @property
    def done(self) -> bool:
        return self.state.done_on is not None


@dataclass(frozen=True)
class CaseClocks:
    """The three limits of one case (a limit whose clock never started is None)."""

    acceptance: CaseClock | None
    first_response: CaseClock | None
    resolution: CaseClock | None

    def get(self, kind: str) -> CaseClock | None:
        clock: CaseClock | None = getattr(self, kind)
        return clock

    @property
    def current(self) -> tuple[str, CaseClock] | None:
        """The limit the case works towards now: the first one not yet met, else the resolution."""
        # Written out (no `get` and `done` a limit): the workbench and the board ask it of every open case.
        acceptance, first_response, resolution = self.acceptance, self.first_response, self.resolution
        if acceptance is not None and acceptance.state.done_on is None:
            return "acceptance", acceptance
        if first_response is not None and first_response.state.done_on is None:
            return "first_response", first_response
        return ("resolution", resolution) if resolution is not None else None

    def items(self) -> list[tuple[str, CaseClock | None]]:
        return [(kind, self.get(kind)) for kind in LIMIT_KINDS]


def case_clock(
    changes: Sequence[Sequence[Any]], *, limit: int, today: datetime.date, calendar: WorkCalendar
) -> CaseClock:
    history, done_on = clock_history(changes)
    return CaseClock(clock_state(history, limit=limit, today=today, calendar=calendar, done_on=done_on))


def limit_clock(
    kind: str, steps: Sequence[Step], *, limit: int, today: datetime.date, calendar: WorkCalendar
) -> CaseClock | None:
    """One limit of one case, through the plain (one history) path."""
    found = limit_history(kind, steps)
    if found is None:
        return None
    history, done_on = found
    return CaseClock(clock_state(history, limit=limit, today=today, calendar=calendar, done_on=done_on))


def _many(
    entries: Sequence[tuple[Any, int, list[Change], datetime.date | None]],
    *,
    today: datetime.date,
    calendar: WorkCalendar,
) -> dict[Any, CaseClock]:
    """Clocks of many (key, limit, history, done_on) entries in one numpy pass."""
    if not entries:
        return {}
    # A comprehension an entry, not a call a step: numpy turns the dates into days itself.
    case_index: list[int] = []
    dates: list[datetime.date] = []
    running: list[bool] = []
    for i, (_key, _limit, history, _done_on) in enumerate(entries):
        case_index += [i] * len(history)
        dates += [on for on, _run in history]
        running += [run for _on, run in history]
    limits = [limit for _key, limit, _history, _done_on in entries]
    arrays = clock_states(
        np.asarray(case_index, dtype=np.int64),
        np.array(dates, dtype="datetime64[D]"),
        np.asarray(running, dtype=bool),
        limits=np.asarray(limits, dtype=np.int64),
        ends=np.array([done_on or today for _key, _limit, _history, done_on in entries], dtype="datetime64[D]"),
        calendar=calendar,
    )
    due_list = arrays.due.tolist()
    elapsed = arrays.elapsed.tolist()
    running_list = arrays.running.tolist()
    after = [arrays.held_through if beyond else None for beyond in arrays.beyond.tolist()]
    return {
        key: CaseClock(ClockState(elapsed[i], limits[i], due_list[i], running_list[i], done_on, after[i]))
        for i, (key, _limit, _history, done_on) in enumerate(entries)
    }


def case_clocks(
    cases: Iterable[tuple[int, int, Sequence[Sequence[Any]]]], *, today: datetime.date, calendar: WorkCalendar
) -> dict[int, CaseClock]:
    """Resolution clocks of many cases: `cases` yields (case id, limit, status history)."""
    entries = []
    for case_id, limit, changes in cases:
        history, done_on = clock_history(changes)
        entries.append((case_id, limit, history, done_on))
    return _many(entries, today=today, calendar=calendar)


def case_limit_clocks(
    cases: Iterable[tuple[int, Mapping[str, int], Sequence[Step]]], *, today: datetime.date, calendar: WorkCalendar
) -> dict[int, CaseClocks]:
    """All three limits of many cases: `cases` yields (case id, {limit kind: working days}, steps)."""
    entries = []
    ids = []
    for case_id, limits, steps in cases:
        ids.append(case_id)
        if not steps:
            continue
        rows = _ordered(steps)
        for kind in LIMIT_KINDS:
            found = _limit_history(kind, rows)
            if found is not None:
                entries.append(((case_id, kind), limits[kind], found[0], found[1]))
    get = _many(entries, today=today, calendar=calendar).get
    return {
        case_id: CaseClocks(
            get((case_id, "acceptance")), get((case_id, "first_response")), get((case_id, "resolution"))
        )
        for case_id in ids
    }


def final_badges(
    cases: Iterable[tuple[int, Mapping[str, int], Sequence[Step]]], *, calendar: WorkCalendar
) -> dict[int, tuple[str, str, str]]:
    """The badges (acceptance, first response, resolution; "" for a clock never started) of finished cases whose
    clocks no longer move, as the board would count them on any later day: `cases` as for `case_limit_clocks`.

    A clock that is done or stopped counts no more working days, so its badge is the same whatever day it is read;
    a case with a clock still running, without a history, or reaching a year the calendar lacks is left out (the
    board clocks it when it reads it, as it does an open case)."""
    entries = [entry for entry in cases if entry[2]]
    if not entries:
        return {}
    # Any day on or after every last step gives the same badges (nothing runs); the last step's day asks the
    # calendar for no year beyond the history's.
    today = max(step[0] for _case_id, _limits, steps in entries for step in steps)
    try:
        found = case_limit_clocks(entries, today=today, calendar=calendar)
    except CalendarYearMissingError:
        if len(entries) == 1:
            return {}
        out: dict[int, tuple[str, str, str]] = {}
        for entry in entries:  # the cases the calendar covers still get theirs
            out.update(final_badges([entry], calendar=calendar))
        return out
    out = {}
    for case_id, clocks in found.items():
        if clocks.resolution is None:
            continue
        limits = (clocks.acceptance, clocks.first_response, clocks.resolution)
        if any(c is not None and c.state.done_on is None and c.state.running for c in limits):
            continue
        out[case_id] = tuple(c.badge if c is not None else "" for c in limits)  # type: ignore[assignment]
    return out
