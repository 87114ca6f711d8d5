"""Time limits in working days, computed from a status history every time they are read.

A clock runs from an event (a case filed, an application submitted) and stops while the matter waits on
someone outside (the requester): a history is a list of `(date, running)` changes, the first one starting the
clock. Nothing is stored but the history, so a corrected history or a newly loaded calendar year changes the
answer at once, and no due date is ever "moved".

Convention (the calendar's): a change on day t governs the days after t. The working days of (a, b] between
two changes count while the clock runs. A limit of n working days is reached on the n-th counted day.

`clock_state` answers for one history; `clock_states` answers for many at once with numpy (the supervision
board's path), and a test holds both against a day-by-day oracle.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext

from waibao.workdays.calendar import EPOCH_ORDINAL, CalendarYearMissingError, WorkCalendar

Change = tuple[datetime.date, bool]


@dataclass(frozen=True)
class ClockState:
    elapsed: int  # working days counted so far (to `done_on`, or to today)
    limit: int
    due: datetime.date | None  # None while the clock is stopped short of the limit, or while `due_after` is set
    running: bool
    done_on: datetime.date | None = None
    # The limit falls after this day, the last the calendar holds: its date is known once the next year is loaded.
    # No day the calendar holds reaches it, so `elapsed` and `remaining` are exact and the clock is not overdue.
    due_after: datetime.date | None = None

    @property
    def remaining(self) -> int:
        return self.limit - self.elapsed

    @property
    def overdue(self) -> bool:
        return self.elapsed > self.limit if self.done_on is None else False

    @property
    def met(self) -> bool | None:
        """Finished within the limit (None while not finished)."""
        return None if self.done_on is None else self.elapsed <= self.limit


def clock_state(
    history: Sequence[Change],
    *,
    limit: int,
    today: datetime.date,
    calendar: WorkCalendar,
    done_on: datetime.date | None = None,
) -> ClockState:
    """The clock of one history, counted to `done_on` if the matter is finished, else to `today`."""
    if not history:
        raise ValueError("a history starts the clock")
    if limit < 1:
        raise ValueError("a time limit is at least one working day")
    changes = sorted(history, key=lambda c: c[0])
    end = done_on or today
    elapsed = before = 0
    due: datetime.date | None = None
    due_after: datetime.date | None = None
    for i, (start, running) in enumerate(changes):
        last = i == len(changes) - 1
        if not running:
            continue
        upto = max(end if last else min(changes[i + 1][0], end), start)
        elapsed += calendar.working_days_between(start, upto)
        left = limit - before
        if due is None and left > 0:
            if last:
                try:
                    due = calendar.add_working_days(start, left)
                except CalendarYearMissingError:  # counted to `end` above: the limit lies past the years held
                    due_after = calendar.held_through(end.year)
            else:
                capacity = calendar.working_days_between(start, max(changes[i + 1][0], start))
                if capacity >= left:
                    due = calendar.add_working_days(start, left)
                before += capacity
    return ClockState(
        elapsed=elapsed, limit=limit, due=due, running=changes[-1][1], done_on=done_on, due_after=due_after
    )


def due_text(state: ClockState | None) -> str:
    """The due date as pages and exports write it: the date; "after <day>" while it lies past the loaded years; ""
    for no clock or a clock stopped short of its limit."""
    if state is None:
        return ""
    if state.due is not None:
        return state.due.isoformat()
    if state.due_after is not None:
        return gettext("after %(day)s (next year's working-day calendar not loaded yet)") % {
            "day": state.due_after.isoformat()
        }
    return ""


@dataclass(frozen=True)
class ClockArrays:
    elapsed: np.ndarray  # int64 per case
    due: np.ndarray  # datetime64[D] per case; NaT while stopped short of the limit, or beyond the calendar
    running: np.ndarray  # bool per case
    beyond: np.ndarray  # bool per case: the limit falls after `held_through` (`ClockState.due_after`)
    held_through: datetime.date | None = None  # the last day of the confirmed years from the last day counted


def clock_states(
    case_index: np.ndarray,
    change_dates: np.ndarray,
    change_running: np.ndarray,
    *,
    limits: np.ndarray,
    ends: np.ndarray,
    calendar: WorkCalendar,
) -> ClockArrays:
    """`clock_state` for many histories at once.

    Changes are rows (`case_index`, `change_dates` as datetime64[D], `change_running`) sorted by case and date;
    `limits` and `ends` (datetime64[D]: the finishing day, or today) are per case. Every case has one change.
    """
    n_cases = len(limits)
    days = change_dates.astype("datetime64[D]").astype(np.int64)
    end_days = ends.astype("datetime64[D]").astype(np.int64)
    if days.size:
        lo, hi = int(min(days.min(), end_days.min())), int(max(days.max(), end_days.max()))
        calendar.require_day_range(lo, hi)
    working = calendar.working_days_array
    # A segment runs from a change to the next change of the same case, or to the case's end.
    last_of_case = np.ones(days.size, dtype=bool)
    last_of_case[:-1] = case_index[1:] != case_index[:-1]
    next_days = days.copy()
    next_days[:-1] = days[1:]
    seg_end = np.where(last_of_case, end_days[case_index], np.minimum(next_days, end_days[case_index]))
    seg_end = np.maximum(seg_end, days)
    idx_start = np.searchsorted(working, days, side="right")
    idx_end = np.searchsorted(working, seg_end, side="right")
    counted = np.where(change_running, idx_end - idx_start, 0)
    elapsed = np.bincount(case_index, weights=counted, minlength=n_cases).astype(np.int64)
    # A closed segment's capacity runs to the next change (not cut at the end), as in `clock_state`.
    idx_next = np.searchsorted(working, np.maximum(next_days, days), side="right")
    capacity = np.where(change_running & ~last_of_case, idx_next - idx_start, 0)
    # Running days before each segment, within its case: a cumulative sum restarted at each case.
    cumulative = np.cumsum(capacity)
    first_of_case = np.ones(days.size, dtype=bool)
    first_of_case[1:] = case_index[1:] != case_index[:-1]
    case_offset = np.zeros(n_cases, dtype=np.int64)
    starts_at = np.flatnonzero(first_of_case)
    case_offset[case_index[starts_at]] = (cumulative - capacity)[starts_at]
    before = cumulative - capacity - case_offset[case_index]
    left = limits[case_index] - before
    # The segment where the limit falls: running, and its capacity reaches `left` (the last one always does).
    whole = np.where(last_of_case, np.iinfo(np.int64).max, capacity)
    hit = change_running & (left > 0) & (whole >= left)
    due_index = idx_start + left - 1
    # A limit past the calendar's last working day can only fall in a case's last, open-ended segment (the others end
    # at a change, inside the range checked above): its date waits for the next year, the count does not.
    # "Past" is past the unbroken run of confirmed years from the last day counted (a later year may be loaded while
    # the next one is not: a date found there would skip the missing year's working days).
    held_through = None
    if days.size:
        held_through = calendar.held_through(ordinal_to_date(hi).year)
    found_days = working[np.clip(due_index, 0, len(working) - 1)] if len(working) else due_index
    past = hit & ((due_index >= len(working)) | (found_days > _day(held_through)))
    beyond = np.zeros(n_cases, dtype=bool)
    beyond[case_index[past]] = True
    due_days = np.where(hit & ~past, found_days, np.iinfo(np.int64).max)
    due = np.full(n_cases, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(due, case_index, due_days)
    running = np.zeros(n_cases, dtype=bool)
    running[case_index[last_of_case]] = change_running[last_of_case]
    due_out = due.astype("datetime64[D]")
    due_out[due == np.iinfo(np.int64).max] = np.datetime64("NaT")
    return ClockArrays(elapsed=elapsed, due=due_out, running=running, beyond=beyond, held_through=held_through)


def _day(day: datetime.date | None) -> int:
    """`day` in days since 1970-01-01 (no day: later than any)."""
    return np.iinfo(np.int64).max if day is None else day.toordinal() - EPOCH_ORDINAL


def ordinal_to_date(day: int) -> datetime.date:
    return datetime.date.fromordinal(day + EPOCH_ORDINAL)
