"""Time limits from a status history, held against a day-by-day oracle over thousands of random histories."""

from __future__ import annotations

import datetime
import random

import numpy as np
import pytest

from tests.workdays.test_calendar import shipped_calendar
from waibao.workdays.calendar import CalendarYearMissingError, WorkCalendar
from waibao.workdays.timelimits import Change, clock_state, clock_states

CALENDAR = shipped_calendar()


def oracle(
    changes: list[Change], limit: int, end: datetime.date, calendar: WorkCalendar
) -> tuple[int, datetime.date | None]:
    """The definition, one day at a time: a change on day t governs the days after t."""
    ordered = sorted(changes, key=lambda c: c[0])

    def running_on(day: datetime.date) -> bool:
        state = False
        for date, running in ordered:
            if date < day:
                state = running
        return state

    def working(day: datetime.date) -> bool:
        return day in calendar.workdays or (day.weekday() < 5 and day not in calendar.holidays)

    first, last_change = ordered[0][0], ordered[-1][0]
    elapsed = counted = 0
    due = None
    day = first
    horizon = max(end, last_change) + datetime.timedelta(days=400)
    while day < horizon:
        day += datetime.timedelta(days=1)
        if working(day) and running_on(day):
            counted += 1
            if day <= end:
                elapsed += 1
            if counted == limit and due is None:
                due = day
        if due is not None and day >= end:
            break
        if day > last_change and not ordered[-1][1] and due is None and day >= end:
            break  # stopped for good short of the limit
    return elapsed, due


def random_history(rng: random.Random) -> tuple[list[Change], int, datetime.date]:
    start = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 6 * 365))
    changes: list[Change] = [(start, True)]
    day, running = start, True
    for _ in range(rng.randint(0, 6)):
        day += datetime.timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 13, 21]))
        running = not running
        changes.append((day, running))
    end = day + datetime.timedelta(days=rng.randint(0, 40))
    return changes, rng.choice([1, 2, 3, 5, 10, 15, 20]), end


def test_one_case_against_the_oracle_over_random_histories() -> None:
    rng = random.Random(12345)
    for _ in range(2500):
        changes, limit, end = random_history(rng)
        state = clock_state(changes, limit=limit, today=end, calendar=CALENDAR)
        elapsed, due = oracle(changes, limit, end, CALENDAR)
        assert (state.elapsed, state.due) == (elapsed, due), (changes, limit, end)
        assert state.overdue == (elapsed > limit)


def test_many_cases_at_once_agree_with_one_at_a_time() -> None:
    rng = random.Random(2007)
    histories = [random_history(rng) for _ in range(3000)]
    rows = [(i, d, r) for i, (changes, _l, _e) in enumerate(histories) for d, r in sorted(changes, key=lambda c: c[0])]
    arrays = clock_states(
        np.array([r[0] for r in rows]),
        np.array([r[1] for r in rows], dtype="datetime64[D]"),
        np.array([r[2] for r in rows]),
        limits=np.array([h[1] for h in histories]),
        ends=np.array([h[2] for h in histories], dtype="datetime64[D]"),
        calendar=CALENDAR,
    )
    for i, (changes, limit, end) in enumerate(histories):
        one = clock_state(changes, limit=limit, today=end, calendar=CALENDAR)
        assert int(arrays.elapsed[i]) == one.elapsed, (changes, limit, end)
        due = None if np.isnat(arrays.due[i]) else arrays.due[i].item()
        assert due == one.due, (changes, limit, end)
        assert bool(arrays.running[i]) == one.running


def test_the_clock_stops_while_waiting_and_holidays_do_not_count() -> None:
    # Filed Monday 2026-09-28, 5 working days; waiting on the requester 09-29 … 10-12.
    history = [
        (datetime.date(2026, 9, 28), True),
        (datetime.date(2026, 9, 29), False),
        (datetime.date(2026, 10, 12), True),
    ]
    state = clock_state(history, limit=5, today=datetime.date(2026, 10, 13), calendar=CALENDAR)
    # Counted: 09-29 and 10-13 → 2 (the worked Saturday 10-10 falls while waiting); the 4 left after
    # 09-29 run 10-13, 10-14, 10-15, 10-16.
    assert (state.elapsed, state.due, state.overdue) == (2, datetime.date(2026, 10, 16), False)
    stopped = clock_state(history[:2], limit=5, today=datetime.date(2026, 10, 30), calendar=CALENDAR)
    assert stopped.due is None and not stopped.running and stopped.remaining == 4
    done = clock_state(
        history, limit=5, today=datetime.date(2026, 11, 30), calendar=CALENDAR, done_on=datetime.date(2026, 10, 16)
    )
    assert done.met is True and not done.overdue
    late = clock_state(
        history, limit=5, today=datetime.date(2026, 11, 30), calendar=CALENDAR, done_on=datetime.date(2026, 10, 19)
    )
    assert late.met is False


def _one_by_arrays(history: list[Change], *, limit: int, today: datetime.date, calendar: WorkCalendar) -> tuple:
    arrays = clock_states(
        np.zeros(len(history), dtype=np.int64),
        np.array([d for d, _r in history], dtype="datetime64[D]"),
        np.array([r for _d, r in history]),
        limits=np.array([limit]),
        ends=np.array([today], dtype="datetime64[D]"),
        calendar=calendar,
    )
    due = None if np.isnat(arrays.due[0]) else arrays.due[0].item()
    return int(arrays.elapsed[0]), due, arrays.held_through if arrays.beyond[0] else None


def test_a_limit_past_the_loaded_years_is_counted_and_only_its_date_waits() -> None:
    """In December a limit reaches a year whose holidays are not loaded yet: the working days used and left are
    exact (every day counted so far is in a loaded year), the clock is not overdue, and the due date is "after the
    last day held" until the year is loaded. Counting to a day in a missing year is still refused."""
    last = max(CALENDAR.years)
    filed = datetime.date(last, 12, 28)
    history: list[Change] = [(filed, True)]
    today = datetime.date(last, 12, 31)
    state = clock_state(history, limit=10, today=today, calendar=CALENDAR)
    used = CALENDAR.working_days_between(filed, today)
    assert (state.elapsed, state.remaining, state.overdue) == (used, 10 - used, False)
    assert state.due is None and state.due_after == datetime.date(last, 12, 31) and state.running
    assert _one_by_arrays(history, limit=10, today=today, calendar=CALENDAR) == (used, None, state.due_after)
    # Within the loaded year the date is found as before, on both paths.
    near = clock_state(history, limit=1, today=today, calendar=CALENDAR)
    assert near.due == CALENDAR.add_working_days(filed, 1) and near.due_after is None
    assert _one_by_arrays(history, limit=1, today=today, calendar=CALENDAR)[1:] == (near.due, None)
    with pytest.raises(CalendarYearMissingError):
        clock_state(history, limit=10, today=datetime.date(last + 1, 1, 4), calendar=CALENDAR)


def test_a_limit_across_a_missing_year_waits_for_it_even_when_a_later_year_is_loaded() -> None:
    """Years 2024 and 2026 loaded, 2025 not: a limit that would fall in 2026 skips 2025's working days if counted,
    so both paths say "after 2024-12-31" instead of a date."""
    shipped = shipped_calendar()
    gap = WorkCalendar(
        years=frozenset({2024, 2026}),
        holidays=frozenset(d for d in shipped.holidays if d.year in (2024, 2026)),
        workdays=frozenset(d for d in shipped.workdays if d.year in (2024, 2026)),
    )
    history: list[Change] = [(datetime.date(2024, 12, 27), True)]
    today = datetime.date(2024, 12, 30)
    state = clock_state(history, limit=5, today=today, calendar=gap)
    assert (state.due, state.due_after, state.elapsed) == (None, datetime.date(2024, 12, 31), 1)
    assert _one_by_arrays(history, limit=5, today=today, calendar=gap) == (1, None, datetime.date(2024, 12, 31))
