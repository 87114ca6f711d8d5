"""The time-limit state of cases held against a naive day-by-day oracle over thousands of random histories.

Histories follow the case workflow (filed, accepted, assigned, replies, waiting on the requester, answered,
reopened …), with approved extensions, over the shipped calendar (holidays and make-up working days included,
2020–2026), and also over a small synthetic calendar dense with holidays and make-up days. Both casework paths
(one case, many cases through numpy) must agree with the oracle on elapsed days, the due date, the badge, for
each of the three limits: acceptance, first response, resolution.

The oracle is written from the definitions in issue 12, not from the code: it walks the calendar day by day.
"""

from __future__ import annotations

import datetime
import io
import random

import pytest

from tests.workdays.test_calendar import shipped_calendar
from waibao.casework.clocks import DUE_SOON_DAYS, case_clock, case_clocks, case_limit_clocks, limit_clock
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
    steps, limit = random_steps(rng, first, span)
    return [(on, status) for on, status, _action in steps], limit


# The action that leads into each status (from a given status), as the workflow records it.
ACTIONS = {
    ("filed", "accepted"): ["accept"],
    ("filed", "assigned"): ["assign"],
    ("filed", "closed"): ["reject"],
    ("accepted", "assigned"): ["assign"],
    ("assigned", "waiting"): ["ask_requester"],
    ("assigned", "answered"): ["answer"],
    ("assigned", "returned"): ["return_misroute"],
    ("assigned", "assigned"): ["transfer", "reply", "reply", "supervise"],
    ("returned", "assigned"): ["assign"],
    ("waiting", "assigned"): ["requester_answer"],
    ("answered", "closed"): ["confirm", "auto_close"],
    ("answered", "assigned"): ["reopen"],
    ("closed", "assigned"): ["reopen"],
}


def random_steps(
    rng: random.Random, first: datetime.date, span: int
) -> tuple[list[tuple[datetime.date, str, str]], int]:
    day = first + datetime.timedelta(days=rng.randint(0, span))
    steps = [(day, "filed", "filed")]
    status = "filed"
    for _ in range(rng.randint(0, 9)):
        day += datetime.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 9, 12]))
        new = rng.choice(NEXT[status])
        steps.append((day, new, rng.choice(ACTIONS[(status, new)])))
        status = new
    limit = rng.choice([1, 2, 5, 10]) + rng.choice([0, 0, 0, 3, 10])  # with an approved extension sometimes
    return steps, limit


def naive_limit(
    kind: str, steps: list[tuple[datetime.date, str, str]], limit: int, today: datetime.date, calendar: WorkCalendar
) -> tuple[int, datetime.date | None, str] | None:
    """Acceptance runs from filing to the first step that leaves "filed"; first response from the first
    accepted/assigned step to the first reply, question or answer to the requester. Day by day, as `naive`."""
    if kind == "acceptance":
        start_at = 0
        ends = [i for i, (_on, status, _a) in enumerate(steps) if status != "filed"]
    else:
        starts = [i for i, (_on, status, _a) in enumerate(steps) if status in ("accepted", "assigned")]
        if not starts:
            return None
        start_at = starts[0]
        ends = [i for i, (_on, _s, action) in enumerate(steps) if i > start_at and action in REPLIES]
    end_at = ends[0] if ends else None
    window = steps[start_at:end_at]
    history = [(on, status) for on, status, _a in window]
    if end_at is not None:
        # finished on the end step's day: the same day-by-day count, to that day, with a "done" badge
        history.append((steps[end_at][0], "answered"))
        # the window's own states govern the days up to the end (the end's status is only the stop)
    return naive(history, limit, today, calendar)


REPLIES = {"reply", "ask_requester", "answer"}


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


@pytest.mark.parametrize(
    ("calendar", "first", "span", "seed"),
    [
        (SHIPPED, datetime.date(2020, 1, 1), 6 * 365 - 200, 2007),
        (SYNTHETIC, datetime.date(2024, 1, 1), 365, 129),
    ],
    ids=["shipped", "synthetic"],
)
def test_acceptance_and_first_response_match_the_day_by_day_oracle(
    calendar: WorkCalendar, first: datetime.date, span: int, seed: int
):
    rng = random.Random(seed)
    cases = []
    for i in range(2500):
        steps, limit = random_steps(rng, first, span)
        limits = {"acceptance": rng.choice([1, 2, 3]), "first_response": rng.choice([1, 2, 3, 5]), "resolution": limit}
        today = steps[-1][0] + datetime.timedelta(days=rng.randint(0, 40))
        cases.append((i, limits, steps, today))
    mismatches = []
    started = {"acceptance": 0, "first_response": 0}
    finished = {"acceptance": 0, "first_response": 0}
    by_today: dict[datetime.date, list[tuple[int, dict[str, int], list[tuple[datetime.date, str, str]]]]] = {}
    for i, limits, steps, today in cases:
        for kind in ("acceptance", "first_response"):
            expected = naive_limit(kind, steps, limits[kind], today, calendar)
            clock = limit_clock(kind, steps, limit=limits[kind], today=today, calendar=calendar)
            got = None if clock is None else (clock.state.elapsed, clock.state.due, clock.badge)
            if got != expected:
                mismatches.append((kind, steps, limits[kind], today, got, expected))
            if expected is not None:
                started[kind] += 1
                finished[kind] += expected[2] in ("met", "late")
        by_today.setdefault(today, []).append((i, limits, steps))
    assert not mismatches[:5], mismatches[:5]
    # the random histories exercise both limits, finished and open, met and late
    for kind in started:
        assert started[kind] > 1000 and 300 < finished[kind] < started[kind], (kind, started, finished)
    for today, group in by_today.items():
        many = case_limit_clocks(group, today=today, calendar=calendar)
        for i, limits, steps in group:
            for kind in ("acceptance", "first_response", "resolution"):
                single = limit_clock(kind, steps, limit=limits[kind], today=today, calendar=calendar)
                assert many[i].get(kind) == single, (kind, steps, limits, today)
            resolution = naive([(on, status) for on, status, _a in steps], limits["resolution"], today, calendar)
            clock = many[i].resolution
            assert clock is not None
            assert (clock.state.elapsed, clock.state.due, clock.badge) == resolution


def test_the_first_response_stops_at_the_first_reply_not_at_a_note_or_transfer():
    mon = datetime.date(2025, 3, 3)
    steps = [
        (mon, "filed", "filed"),
        (mon + datetime.timedelta(days=1), "accepted", "accept"),
        (mon + datetime.timedelta(days=1), "assigned", "assign"),
        (mon + datetime.timedelta(days=2), "assigned", "transfer"),
        (mon + datetime.timedelta(days=4), "assigned", "reply"),
    ]
    today = mon + datetime.timedelta(days=14)
    acceptance = limit_clock("acceptance", steps, limit=1, today=today, calendar=SHIPPED)
    assert acceptance is not None and (acceptance.state.elapsed, acceptance.badge) == (1, "met")
    first = limit_clock("first_response", steps, limit=2, today=today, calendar=SHIPPED)
    assert first is not None and (first.state.elapsed, first.badge) == (3, "late")  # Wed, Thu, Fri
    rejected = [(mon, "filed", "filed"), (mon + datetime.timedelta(days=3), "closed", "reject")]
    assert limit_clock("first_response", rejected, limit=2, today=today, calendar=SHIPPED) is None
    late = limit_clock("acceptance", rejected, limit=1, today=today, calendar=SHIPPED)
    assert late is not None and (late.state.elapsed, late.badge) == (3, "late")


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


# --- the stored histories (`Case.steps`) the lists read, held against the history (`CaseChange`) ---------------


def _stored_and_derived_clocks(today: datetime.date) -> tuple[dict, dict]:
    from waibao.casework.models import Case
    from waibao.casework.selectors import case_limits, histories, limit_clocks_for
    from waibao.workdays.selectors import current_calendar

    cases = list(Case.objects.select_related("case_type").order_by("pk"))
    calendar = current_calendar()
    derived = histories([c.pk for c in cases])
    from_history = case_limit_clocks(
        ((c.pk, case_limits(c), derived[c.pk]) for c in cases if derived.get(c.pk)), today=today, calendar=calendar
    )
    return limit_clocks_for(cases, today=today, calendar=calendar), from_history


def _assert_stored_equals_history() -> None:
    from waibao.casework.models import Case
    from waibao.casework.selectors import histories, stored_steps

    cases = list(Case.objects.order_by("pk").values_list("pk", "steps"))
    derived = histories([pk for pk, _steps in cases])
    assert cases and all(stored_steps(steps) == derived[pk] for pk, steps in cases)


@pytest.mark.django_db
def test_the_services_store_each_case_history_as_the_history_says(casework):
    """The demo's thirty cases of every type, filed, routed, answered, reopened, rated through the services, then
    the daily tick (auto-closing): every stored history equals the case's `CaseChange` rows in order, and the
    three clocks of every case read from the stored copies equal those from the history."""
    from django.core.management import call_command

    from waibao.accounts.demo import ensure_demo_accounts
    from waibao.registry.demo import create_demo_enterprises

    create_demo_enterprises(count=3, seed=1)
    ensure_demo_accounts()
    call_command("casework", "demo", stdout=io.StringIO())
    call_command("casework", "tick", stdout=io.StringIO())
    _assert_stored_equals_history()
    from waibao.workdays.selectors import current_calendar

    now = datetime.date.today()
    # Twenty days on, or the last day the loaded calendar holds (counting to a day of a year not loaded is refused).
    later = min(now + datetime.timedelta(days=20), current_calendar().held_through(now.year))
    for today in (now, later):
        stored, derived = _stored_and_derived_clocks(today)
        assert stored == derived and any(c.resolution and c.resolution.done for c in stored.values())


@pytest.mark.django_db
def test_a_change_recorded_with_an_earlier_time_is_stored_in_the_history_order(casework, enterprise_user):
    """A service given an earlier `at` than the case's last change (a back-dated entry) stores the history in the
    order of the changes' times, as the history reads, not in the order they were recorded."""
    from tests.casework.conftest import at
    from tests.factories import make_user
    from waibao.accounts.models import Role
    from waibao.casework.models import CaseType
    from waibao.casework.services import case_act, case_file
    from waibao.casework.workflow import OFFICE

    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    case_type = CaseType.objects.get(code="difficulty")
    case, _code = case_file(
        case_type=case_type,
        filer_kind="enterprise",
        title="停电",
        body="园区停电三天",
        contact_name="张三",
        contact_email="zs@example.com",
        category=case_type.category_choices()[0][0] if case_type.categories else "",
        enterprise=enterprise_user.enterprise,
        user=enterprise_user,
        at=at(datetime.date(2025, 3, 5)),
    )
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(datetime.date(2025, 3, 4)))
    case.refresh_from_db()
    days = [step[0] for step in case.steps]
    assert days == sorted(days) and (days[0], days[-1]) == ("2025-03-04", "2025-03-05")
    _assert_stored_equals_history()


@pytest.mark.django_db
def test_the_migration_fills_every_case_history_from_the_changes(casework):
    """`0006_case_steps` fills the stored histories of existing cases from their changes."""
    import importlib

    from django.apps import apps
    from django.core.management import call_command

    from waibao.accounts.demo import ensure_demo_accounts
    from waibao.casework.models import Case
    from waibao.registry.demo import create_demo_enterprises

    create_demo_enterprises(count=3, seed=1)
    ensure_demo_accounts()
    call_command("casework", "demo", stdout=io.StringIO())
    Case.objects.update(steps=[])
    importlib.import_module("waibao.casework.migrations.0006_case_steps").fill_steps(apps, None)
    _assert_stored_equals_history()
