"""The time-limit state of cases held against a naive day-by-day oracle over thousands of random histories.

Histories follow the case workflow (filed, assigned, waiting on the requester, answered, reopened …), with
approved extensions, over the shipped calendar (holidays and make-up working days included, 2020–2026), and
also over a small synthetic calendar dense with holidays and make-up days. Both casework paths (one case,
many cases through numpy) must agree with the oracle on elapsed days, the due date, the badge.
"""

from __future__ import annotations

import datetime
import random

import pytest

from tests.workdays.test_calendar import shipped_calendar
from waibao.casework.clocks import DUE_SOON_DAYS, case_clock, case_clocks
from waibao.workdays.calendar import WorkCalendar, build_calendar

SHIPPED = shipped_calendar()
STOPPED = {"waiting", "answered", "closed"}
DONE = {"answered", "closed"}
NEXT = {
    "filed": ["accepted", "assigned", "closed"],
    "accepted": ["assigned"],
    "assigned": ["waiting", "answered", "returned", "assigned"],
    "returned": ["assigned"],
    "waiting": ["assigned"],
    "answered": ["closed", "assigned"],
    "closed": ["assigned"],
}


def synthetic_calendar() -> WorkCalendar:
    """2024–2025 with a holiday or make-up day in most weeks (far denser than any real year)."""
    rng = random.Random(99)
    holidays, workdays = [], []
    day = datetime.date(2024, 1, 1)
    while day.year < 2026:
        if day.weekday() < 5 and rng.random() < 0.15:
            holidays.append(day)
        elif day.weekday() >= 5 and rng.random() < 0.2:
            workdays.append(day)
        day += datetime.timedelta(days=1)
    return build_calendar([2024, 2025], holidays, workdays)


SYNTHETIC = synthetic_calendar()


def naive(
    history: list[tuple[datetime.date, str]], limit: int, today: datetime.date, calendar: WorkCalendar
) -> tuple[int, datetime.date | None, str]:
    """The definition, day by day: the state at the end of day t governs day t+1; stopped states do not count."""

    def working(day: datetime.date) -> bool:
        if day in calendar.workdays:
            return True
        return day.weekday() < 5 and day not in calendar.holidays

    def status_before(day: datetime.date) -> str | None:
        state = None
        for on, status in history:  # in order: the last change of an earlier day wins
            if on < day:
                state = status
        return state

    final_on, final = history[-1]
    end = final_on if final in DONE else today
    counted = elapsed = 0
    due = None
    day = history[0][0]
    while True:
        day += datetime.timedelta(days=1)
        state = status_before(day)
        if working(day) and state not in STOPPED:
            counted += 1
            if day <= end:
                elapsed += 1
            if counted == limit and due is None:
                due = day
        if day >= end and (due is not None or (day >= final_on and final in STOPPED)):
            break
    if final in DONE:
        badge = "met" if elapsed <= limit else "late"
    elif elapsed > limit:
        badge = "overdue"
    elif final in STOPPED:
        badge = "stopped"
    else:
        badge = "due" if limit - elapsed <= DUE_SOON_DAYS else "on_track"
    return elapsed, due, badge


def random_case(rng: random.Random, first: datetime.date, span: int) -> tuple[list[tuple[datetime.date, str]], int]:
    day = first + datetime.timedelta(days=rng.randint(0, span))
    history = [(day, "filed")]
    status = "filed"
    for _ in range(rng.randint(0, 9)):
        day += datetime.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9, 12]))
        status = rng.choice(NEXT[status])
        history.append((day, status))
    limit = rng.choice([1, 2, 5, 10]) + rng.choice([0, 0, 0, 3, 10])  # with an approved extension sometimes
    return history, limit


@pytest.mark.parametrize(
    ("calendar", "first", "span", "seed"),
    [
        (SHIPPED, datetime.date(2020, 1, 1), 6 * 365 - 200, 12345),
        (SYNTHETIC, datetime.date(2024, 1, 1), 365, 54321),
    ],
    ids=["shipped", "synthetic"],
)
def test_case_clocks_match_the_day_by_day_oracle(calendar: WorkCalendar, first: datetime.date, span: int, seed: int):
    rng = random.Random(seed)
    cases = []
    for i in range(2500):
        history, limit = random_case(rng, first, span)
        today = history[-1][0] + datetime.timedelta(days=rng.randint(0, 40))
        cases.append((i, limit, history, today))
    mismatches = []
    by_today: dict[datetime.date, list[tuple[int, int, list[tuple[datetime.date, str]]]]] = {}
    for i, limit, history, today in cases:
        expected = naive(history, limit, today, calendar)
        one = case_clock(history, limit=limit, today=today, calendar=calendar)
        got = (one.state.elapsed, one.state.due, one.badge)
        if got != expected:
            mismatches.append((history, limit, today, got, expected))
        by_today.setdefault(today, []).append((i, limit, history))
    assert not mismatches[:5], mismatches[:5]
    for today, group in by_today.items():
        many = case_clocks(group, today=today, calendar=calendar)
        for i, limit, history in group:
            single = case_clock(history, limit=limit, today=today, calendar=calendar)
            assert many[i] == single, (history, limit, today)


def test_a_same_day_wait_and_resume_costs_nothing():
    day = datetime.date(2025, 3, 3)  # a Monday
    history = [(day, "filed"), (day, "waiting"), (day, "assigned")]
    clock = case_clock(history, limit=5, today=day + datetime.timedelta(days=7), calendar=SHIPPED)
    assert clock.state.due == datetime.date(2025, 3, 10)
    assert clock.badge == "due"  # the last day: not overdue yet
    later = case_clock(history, limit=5, today=day + datetime.timedelta(days=8), calendar=SHIPPED)
    assert later.badge == "overdue"


def test_waiting_over_the_national_day_holiday_stops_the_clock():
    filed = datetime.date(2025, 9, 26)  # Friday; 28 Sep (Sunday) is a make-up working day; 1–8 Oct holidays
    history = [(filed, "filed"), (datetime.date(2025, 9, 29), "waiting"), (datetime.date(2025, 10, 9), "assigned")]
    clock = case_clock(history, limit=5, today=datetime.date(2025, 10, 10), calendar=SHIPPED)
    # counted: 28 Sep (make-up), 29 Sep; then stopped; resumed after 9 Oct: 10 Oct (Friday is a working day).
    assert clock.state.elapsed == 3
    assert clock.state.due == datetime.date(2025, 10, 13)  # then 11 Oct (make-up Saturday) and 13 Oct
