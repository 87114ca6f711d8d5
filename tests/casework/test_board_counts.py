"""The supervision board reads only what can still change: open cases are clocked when read, finished ones are
counted in SQL from the badges the services store when they finish. Its figures must be the ones the board gave
when it clocked every case ever filed: `reference_board` below is that computation (the board of issue 17's
start), and cases of every kind, built through the services, are held against it on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.urls import get_script_prefix
from django.utils import timezone, translation

from tests.casework.conftest import at
from waibao.casework import selectors
from waibao.casework.models import Case, CaseStatus, CaseType, Extension, ExtensionStatus, Rating, Supervision
from waibao.casework.selectors import (
    OPEN_STATUSES,
    Board,
    BoardRow,
    CaseClock,
    board,
    board_departments,
    figures,
    label_in,
    limit_clocks_of_values,
)
from waibao.casework.services import (
    appeal_ask,
    appeal_decide,
    case_act,
    case_badges_refresh,
    case_file,
    case_supervise,
    extension_decide,
    extension_request,
    rating_give,
)
from waibao.casework.workflow import DEPARTMENT, OFFICE, REQUESTER, SYSTEM
from waibao.common.errors import DomainError
from waibao.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db

_OLD_FIELDS = (
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
    "rating__bad",
    "rating__on",
    "rating__rectification",
)


def reference_board(*, today: datetime.date) -> Board:
    """The board as it was computed before the finished cases' badges were stored: every case ever filed read
    with its history and rating and clocked in Python, every supervision read and counted in Python."""
    cases = list(Case.objects.values_list(*_OLD_FIELDS))
    all_clocks = limit_clocks_of_values(cases, _OLD_FIELDS, today=today)
    departments = board_departments()
    by_pk = {case[0]: case for case in cases}
    every_supervision = [
        (at_, by_pk[case_id], limit, badge)
        for at_, case_id, limit, badge in Supervision.objects.values_list("at", "case_id", "limit", "badge")
        if case_id in by_pk
    ]
    supervised = Counter(case[6] for _at, case, _limit, _badge in every_supervision)
    rows: dict[int, BoardRow] = {}
    names: dict[int, str] = {}
    for case in cases:
        department_id = case[6]
        if department_id is None:
            continue
        row = rows.get(department_id)
        if row is None and department_id in departments:
            department = departments[department_id]
            row = rows[department_id] = BoardRow(department, supervised=supervised.get(department_id, 0))
            names[department_id] = department.name
        if row is not None and case[11] is not None:
            row.ratings += 1
            row.bad_ratings += case[11]
    overdue: list[tuple[int, tuple[Any, ...], tuple[str, CaseClock]]] = []
    at_risk: list[tuple[int, tuple[Any, ...], tuple[str, CaseClock]]] = []
    for case in cases:
        row = rows.get(case[6]) if case[6] is not None else None
        clocks = all_clocks.get(case[0])
        if row is None or clocks is None or clocks.resolution is None:
            continue
        for kind in ("acceptance", "first_response", "resolution"):
            row.compliance[kind].add(clocks.get(kind))
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
    detail = selectors._case_link_base(get_script_prefix())
    language = translation.get_language()
    extensions = []
    pending = sorted(
        Extension.objects.filter(status=ExtensionStatus.REQUESTED)
        .order_by()
        .values_list("requested_at", "pk", "case_id", "days", "reason")
    )
    for _requested_at, _pk, case_id, days, reason in pending:
        case = by_pk[case_id]
        if case[6] in rows:
            rows[case[6]].extensions_pending += 1
        extensions.append(
            selectors._board_item(detail, case[1], case[4], names.get(case[6], ""), f"+{days}", note=reason)
        )
    latest_bad = sorted((c for c in cases if c[11]), key=lambda c: c[12], reverse=True)[:50]
    bad = [
        selectors._board_item(detail, c[1], c[4], names.get(c[6], ""), label_in(language, "case_rectification", c[13]))
        for c in latest_bad
    ]
    supervisions = [
        selectors._board_item(
            detail,
            case[1],
            case[4],
            names.get(case[6], ""),
            f"{label_in(language, 'case_limit', limit)} {label_in(language, 'case_badge', badge)}",
            at=f"{timezone.localtime(at_):%Y-%m-%d %H:%M}",
        )
        for at_, case, limit, badge in every_supervision[:50]
    ]
    overdue.sort(key=lambda entry: entry[0])
    at_risk.sort(key=lambda entry: entry[0])
    ordered = sorted(rows.values(), key=lambda r: (r.department.section, r.department.code))
    lines = selectors._board_lines(overdue[:200] + at_risk[:200], names, detail=detail, language=language)
    return Board(
        rows=ordered,
        overdue_cases=lines[: min(len(overdue), 200)],
        extensions=extensions,
        bad=bad,
        at_risk=lines[min(len(overdue), 200) :],
        supervisions=supervisions,
    )


# Types an enterprise files without extra fields, in three departments (the documents follow the filing).
TYPES = ("difficulty", "complaint", "consultation", "registration", "special_working_hours", "financing_guarantee")
START = datetime.date(2025, 3, 3)


def _file(enterprise_user: Any, code: str, day: datetime.date) -> Case:
    case_type = CaseType.objects.get(code=code)
    case, _code = case_file(
        case_type=case_type,
        filer_kind="enterprise",
        title=f"{code} {day}",
        body="b",
        contact_name="张三",
        contact_email="zs@example.com",
        category=case_type.category_choices()[0][0] if case_type.categories else "",
        enterprise=enterprise_user.enterprise,
        user=enterprise_user,
        documents_follow=True,
        at=at(day),
    )
    return case


def _live(case: Case, rng: random.Random, office: Any, requester: Any) -> datetime.date:
    """A random life through the workflow, each step some days after the last (the office acting for the
    department too); returns the day of its last step."""
    day = timezone.localtime(case.filed_at).date()
    moment = case.filed_at

    def act(action: str, party: str, **kw: Any) -> None:
        nonlocal day, moment
        day += datetime.timedelta(days=rng.choice([0, 1, 2, 3, 6, 9]))
        moment = max(at(day, 9 + rng.randrange(8)), moment + datetime.timedelta(minutes=1))  # in order
        day = timezone.localtime(moment).date()
        actor = {OFFICE: office, DEPARTMENT: office, REQUESTER: requester, SYSTEM: None}[party]
        case_act(case=case, action=action, party=party, actor=actor, at=moment, **kw)

    def supervise() -> None:
        with contextlib.suppress(DomainError):  # refused when no limit is at risk
            case_supervise(
                case=case, party=OFFICE, actor=office, reason="督办", at=moment + datetime.timedelta(minutes=1)
            )

    outcome = CaseType.objects.get(pk=case.case_type_id).outcomes[0]
    first = rng.random()
    if first < 0.1:
        return day  # still filed
    if first < 0.2:
        act("reject", OFFICE, text="不予受理")
        return day
    if rng.random() < 0.3:
        act("accept", OFFICE)
    act("assign", OFFICE)
    pending = None
    for _ in range(rng.choice([0, 1, 2, 3])):
        choice = rng.random()
        if choice < 0.3:
            act("reply", DEPARTMENT, text="回复")
        elif choice < 0.55:
            act("ask_requester", DEPARTMENT, text="请补充")
            if rng.random() < 0.3:
                return day  # waiting on the requester
            act("requester_answer", REQUESTER, text="已补充")
        elif choice < 0.7:
            act("return_misroute", DEPARTMENT, text="非本部门")
            act("assign", OFFICE)
        elif pending is None and not case.extensions.exists():
            pending = extension_request(
                case=case, party=DEPARTMENT, actor=office, days=rng.choice([2, 5]), reason="核查"
            )
            if rng.random() < 0.5:
                extension_decide(extension=pending, party=OFFICE, actor=office, approve=rng.random() < 0.7)
                pending = None
        if rng.random() < 0.4:
            supervise()
    if rng.random() < 0.3:
        return day  # open with the department
    act("answer", DEPARTMENT, text="答复", outcome=outcome)
    if pending is not None and rng.random() < 0.7:  # granted once answered: the resolution limit is longer
        extension_decide(extension=pending, party=OFFICE, actor=office, approve=True)
    if rng.random() < 0.5:
        act("confirm", REQUESTER) if rng.random() < 0.5 else act("auto_close", SYSTEM)
    if rng.random() < 0.25:
        try:
            act("reopen", REQUESTER, text="未解决")
        except DomainError:  # past the reopen window
            return day
        if rng.random() < 0.5:
            act("answer", DEPARTMENT, text="再次答复", outcome=outcome)
    return day


def _build(enterprise_user: Any, office: Any, *, n: int, seed: int) -> datetime.date:
    """`n` cases filed over four months, of several types and departments, living random lives; some of the
    finished ones rated (bad ones appealed and upheld now and then). Returns the last day anything happened."""
    rng = random.Random(seed)
    last = START
    for i in range(n):
        case = _file(enterprise_user, TYPES[i % len(TYPES)], START + datetime.timedelta(days=rng.randrange(120)))
        last = max(last, _live(case, rng, office, enterprise_user))
    for case in Case.objects.filter(status__in=(CaseStatus.ANSWERED, CaseStatus.CLOSED)).order_by("pk"):
        if rng.random() < 0.6:
            grade = rng.choice(["very_satisfied", "satisfied", "dissatisfied", "very_dissatisfied"])
            rating_give(case=case, party=REQUESTER, actor=enterprise_user, grade=grade, at=at(last))
            if grade == "dissatisfied" and rng.random() < 0.5:
                appeal_ask(case=case, party=DEPARTMENT, actor=office, reason="理由")
                appeal_decide(case=case, party=OFFICE, actor=office, uphold=True)
    return last


def _assert_same_board(today: datetime.date) -> Board:
    new, old = board(today=today), reference_board(today=today)
    assert new.table == old.table
    assert new == old
    return new


@pytest.mark.parametrize("seed", [1, 2])
def test_the_board_gives_the_figures_of_clocking_every_case(casework, office, enterprise_user, seed):
    """Cases open and finished, on time and late, rated, supervised, extended (granted after the answer too),
    reopened, in several departments: the board from the stored badges equals the board that clocked every case,
    on the day after the last change and a year later (the open cases' clocks move, the finished ones do not)."""
    last = _build(enterprise_user, office, n=60, seed=seed)
    finished = Case.objects.filter(status__in=(CaseStatus.ANSWERED, CaseStatus.CLOSED))
    assert finished.exclude(badges_calendar="").count() == finished.count() > 10
    assert Case.objects.filter(status__in=OPEN_STATUSES).filter(badges_calendar="").count() > 10
    assert Rating.objects.filter(bad=True).exists() and Supervision.objects.exists()
    assert Extension.objects.filter(status=ExtensionStatus.REQUESTED).exists()
    for today in (last + datetime.timedelta(days=1), last + datetime.timedelta(days=300)):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                shown = _assert_same_board(today)
    assert len(shown.rows) >= 3 and sum(row.done for row in shown.rows) == finished.count()
    assert shown.overdue_cases and shown.supervisions and shown.bad and shown.extensions


def test_the_public_figures_read_the_stored_badges_as_the_clocks_say(casework, office, enterprise_user):
    """The public figures take a finished case's resolution badge as stored and clock the others: the same
    figures as clocking every finished case."""
    last = _build(enterprise_user, office, n=30, seed=5)
    today = last + datetime.timedelta(days=1)
    stored = figures(today=today, public=True)
    Case.objects.update(badges_calendar="")
    assert figures(today=today, public=True) == stored and sum(f.done for f in stored) > 5


def test_finished_cases_counted_with_another_calendar_are_clocked_again(casework, office, enterprise_user):
    """Badges stored for another calendar (a year edited since) are not trusted: the board clocks those cases from
    their histories, so its figures stay those of the history, and the daily job stores them again."""
    last = _build(enterprise_user, office, n=30, seed=3)
    finished = Case.objects.filter(status__in=(CaseStatus.ANSWERED, CaseStatus.CLOSED))
    stored = dict(finished.values_list("pk", "resolution_badge"))
    # Wrong badges under a fingerprint no calendar has: a board that trusted them would count them.
    finished.update(badges_calendar="0" * 16, resolution_badge="late", acceptance_badge="late")
    _assert_same_board(last + datetime.timedelta(days=1))
    assert case_badges_refresh() == len(stored)
    assert dict(finished.values_list("pk", "resolution_badge")) == stored
    assert not finished.exclude(badges_calendar=current_calendar().fingerprint).exists()
    _assert_same_board(last + datetime.timedelta(days=1))


def test_the_migration_stores_the_badges_of_finished_cases(casework, office, enterprise_user):
    """`0007_case_final_badges` stores for the cases finished before it what the services store since."""
    last = _build(enterprise_user, office, n=30, seed=4)
    fields = ("pk", "acceptance_badge", "first_response_badge", "resolution_badge", "badges_calendar")
    stored = list(Case.objects.order_by("pk").values_list(*fields))
    Case.objects.update(acceptance_badge="", first_response_badge="", resolution_badge="", badges_calendar="")
    importlib.import_module("waibao.casework.migrations.0007_case_final_badges").fill_badges(apps, None)
    assert list(Case.objects.order_by("pk").values_list(*fields)) == stored
    _assert_same_board(last + datetime.timedelta(days=1))


def _row(case: Case, today: datetime.date) -> BoardRow:
    [row] = [r for r in board(today=today).rows if r.department.pk == case.department_id]
    return row


def _badges(case: Case) -> tuple[str, str, str, bool]:
    case.refresh_from_db()
    return (case.acceptance_badge, case.first_response_badge, case.resolution_badge, bool(case.badges_calendar))


def test_finishing_rating_reopening_and_a_late_extension_change_the_board(casework, office, enterprise_user):
    """One case through its life, the board's line of its department after each step (counted by hand)."""
    mon = START  # Monday 3 March 2025
    case = _file(enterprise_user, "difficulty", mon)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(mon, 11))
    row = _row(case, mon + datetime.timedelta(days=1))
    assert (row.open, row.done, row.ratings) == (1, 0, 0) and _badges(case) == ("", "", "", False)
    assert (row.compliance["acceptance"].met, row.compliance["acceptance"].counted) == (1, 1)  # accepted in time
    case_act(case=case, action="answer", party=DEPARTMENT, actor=office, text="答复", outcome="solved", at=at(mon, 15))
    assert _badges(case) == ("met", "met", "met", True)
    row = _row(case, mon + datetime.timedelta(days=1))
    assert (row.open, row.done, row.done_on_time, row.on_time_share) == (0, 1, 1, 1)
    rating_give(case=case, party=REQUESTER, actor=enterprise_user, grade="dissatisfied", at=at(mon, 16))
    assert (_row(case, mon).ratings, _row(case, mon).bad_ratings) == (1, 1)
    # Reopened on Wednesday: open again, its badges cleared; the rating stays with the case.
    case_act(
        case=case,
        action="reopen",
        party=REQUESTER,
        actor=enterprise_user,
        text="未解决",
        at=at(mon + datetime.timedelta(days=2)),
    )
    assert _badges(case) == ("", "", "", False)
    row = _row(case, mon + datetime.timedelta(days=3))
    assert (row.open, row.done, row.ratings, row.bad_ratings) == (1, 0, 1, 1)
    extension = extension_request(case=case, party=DEPARTMENT, actor=office, days=5, reason="核查")
    # Answered the Thursday after: 1 + 6 working days against 5: late; the extension still to decide.
    case_act(
        case=case,
        action="answer",
        party=DEPARTMENT,
        actor=office,
        text="再答复",
        outcome="solved",
        at=at(mon + datetime.timedelta(days=10)),
    )
    assert _badges(case) == ("met", "met", "late", True)
    row = _row(case, mon + datetime.timedelta(days=11))
    assert (row.open, row.done, row.done_on_time, row.extensions_pending) == (0, 1, 0, 1)
    # The extension granted now: the limit is 10 working days, and the answer was in time.
    extension_decide(extension=extension, party=OFFICE, actor=office, approve=True)
    assert _badges(case) == ("met", "met", "met", True)
    row = _row(case, mon + datetime.timedelta(days=11))
    assert (row.done, row.done_on_time, row.extensions_pending) == (1, 1, 0)
    # The appeal upheld: the rating no longer counts as bad.
    appeal_ask(case=case, party=DEPARTMENT, actor=office, reason="理由")
    appeal_decide(case=case, party=OFFICE, actor=office, uphold=True)
    assert (_row(case, mon).ratings, _row(case, mon).bad_ratings) == (1, 0)
    _assert_same_board(mon + datetime.timedelta(days=11))


def test_new_limits_of_a_type_count_again_its_finished_cases(casework, office, enterprise_user, tmp_path):
    """The data set is the only writer of a type's limits: loading new ones counts its finished cases again."""
    import shutil

    from django.conf import settings

    from waibao.casework.dataset import load_casework_dataset

    mon = START
    case = _file(enterprise_user, "difficulty", mon)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(mon, 11))
    case_act(
        case=case,
        action="answer",
        party=DEPARTMENT,
        actor=office,
        text="答复",
        outcome="solved",
        at=at(mon + datetime.timedelta(days=3)),
    )
    assert _badges(case) == ("met", "late", "met", True)  # answered in 3 working days: first response 2, resolution 5
    shutil.copytree(Path(settings.WAIBAO_DEFAULT_DATASET) / "casework", tmp_path / "casework")
    head, tail = (tmp_path / "casework" / "types.yaml").read_text().split("code: difficulty\n", 1)
    tail = tail.replace("resolution: 5}", "resolution: 2}", 1)  # its own limits, the next line but three
    (tmp_path / "casework" / "types.yaml").write_text(f"{head}code: difficulty\n{tail}")
    load_casework_dataset(tmp_path)
    assert CaseType.objects.get(code="difficulty").resolution_days == 2
    assert _badges(case) == ("met", "late", "late", True)
    _assert_same_board(mon + datetime.timedelta(days=5))
