"""The time-limit state of cases, computed from their status history whenever it is read.

A case's resolution clock starts when it is filed and runs except while it waits on the requester or stands
answered/closed (`STOPPED_STATUSES`); a reopened case runs again. Its limit is the type's resolution days plus
an approved extension. Changes on the same day collapse to the last one (the calendar's convention: a change
on day t governs the days after t, so only the day's final state matters).

`case_clock` answers for one case (detail pages); `case_clocks` for many at once through the numpy path of
`workdays.timelimits.clock_states` (workbench, supervision board, figures).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from waibao.casework.models import DONE_STATUSES, STOPPED_STATUSES
from waibao.workdays.calendar import WorkCalendar
from waibao.workdays.timelimits import Change, ClockState, clock_state, clock_states

StatusChange = tuple[datetime.date, str]
DUE_SOON_DAYS = 1  # the badge turns "due" when this many working days or fewer are left


def clock_history(changes: Sequence[StatusChange]) -> tuple[list[Change], datetime.date | None]:
    """The clock's (date, running) changes of a status history, and the day the matter was finished (or None)."""
    ordered = all(changes[i][0] <= changes[i + 1][0] for i in range(len(changes) - 1))
    rows = changes if ordered else sorted(changes, key=lambda c: c[0])  # stable: same-day order kept
    history: list[Change] = []
    last_on = None
    for on, status in rows:
        running = status not in STOPPED_STATUSES
        if on == last_on:
            history[-1] = (on, running)
        else:
            history.append((on, running))
            last_on = on
    final_status = rows[-1][1]
    return history, (rows[-1][0] if final_status in DONE_STATUSES else None)


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


def case_clock(
    changes: Sequence[StatusChange], *, limit: int, today: datetime.date, calendar: WorkCalendar
) -> CaseClock:
    history, done_on = clock_history(changes)
    return CaseClock(clock_state(history, limit=limit, today=today, calendar=calendar, done_on=done_on))


def case_clocks(
    cases: Iterable[tuple[int, int, Sequence[StatusChange]]], *, today: datetime.date, calendar: WorkCalendar
) -> dict[int, CaseClock]:
    """Clocks of many cases: `cases` yields (case id, limit, status history)."""
    ids: list[int] = []
    limits: list[int] = []
    ends: list[int] = []
    done: list[datetime.date | None] = []
    case_index: list[int] = []
    dates: list[int] = []
    running: list[bool] = []
    for i, (case_id, limit, changes) in enumerate(cases):
        history, done_on = clock_history(changes)
        ids.append(case_id)
        limits.append(limit)
        done.append(done_on)
        ends.append((done_on or today).toordinal())
        for on, run in history:
            case_index.append(i)
            dates.append(on.toordinal())
            running.append(run)
    if not ids:
        return {}
    epoch = datetime.date(1970, 1, 1).toordinal()
    arrays = clock_states(
        np.asarray(case_index, dtype=np.int64),
        (np.asarray(dates, dtype=np.int64) - epoch).astype("datetime64[D]"),
        np.asarray(running, dtype=bool),
        limits=np.asarray(limits, dtype=np.int64),
        ends=(np.asarray(ends, dtype=np.int64) - epoch).astype("datetime64[D]"),
        calendar=calendar,
    )
    due_list = arrays.due.tolist()
    elapsed = arrays.elapsed.tolist()
    running_list = arrays.running.tolist()
    return {
        case_id: CaseClock(ClockState(elapsed[i], limits[i], due_list[i], running_list[i], done[i]))
        for i, case_id in enumerate(ids)
    }
