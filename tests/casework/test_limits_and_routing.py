"""Issue 12's rest through the services and pages: the three time limits of real cases (workbench, board,
case page, compliance), routing per category as data, the office's supervision (督办), the callback as a
record, the scarce-talent link, and the data migration of the old callback notes."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail

from tests.casework.conftest import at
from tests.casework.test_services import MON, file
from waibao.audit.models import AuditEvent
from waibao.casework.models import Callback, CaseChange, CaseType, DepartmentHead, Rating, Supervision
from waibao.casework.selectors import board, limit_clocks_for
from waibao.casework.services import (
    case_act,
    case_supervise,
    extension_request,
    rating_give,
    rectification_done,
)
from waibao.casework.workflow import DEPARTMENT, OFFICE, REQUESTER
from waibao.common.errors import DomainError, PermissionDeniedError

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_acceptance_and_first_response_are_computed_from_the_history(casework, office, hitech, enterprise_user):
    case, _ = file(enterprise_user, category="power")  # Monday; acceptance 1, first response 2, resolution 5
    clocks = limit_clocks_for([case], today=MON + DAY)[case.pk]
    assert clocks.acceptance is not None and clocks.acceptance.badge == "due"  # the last day to accept
    assert clocks.first_response is None  # not accepted yet: that clock has not started
    assert clocks.current is not None and clocks.current[0] == "acceptance"
    assert limit_clocks_for([case], today=MON + 2 * DAY)[case.pk].acceptance.badge == "overdue"  # type: ignore[union-attr]
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON + 3 * DAY))  # Thursday: late
    case_act(case=case, action="reply", party=DEPARTMENT, actor=hitech, text="正在协调", at=at(MON + 4 * DAY))
    clocks = limit_clocks_for([case], today=MON + 14 * DAY)[case.pk]
    assert (clocks.acceptance.state.elapsed, clocks.acceptance.badge) == (3, "late")  # type: ignore[union-attr]
    assert (clocks.first_response.state.elapsed, clocks.first_response.badge) == (1, "met")  # type: ignore[union-attr]
    assert clocks.resolution is not None and clocks.resolution.badge == "overdue"  # a reply is not the answer
    assert clocks.current is not None and clocks.current[0] == "resolution"
    # the compliance on the board counts each limit
    row = next(r for r in board(today=MON + 14 * DAY).rows if r.department.code == "hi-tech-office")
    assert (row.compliance["acceptance"].met, row.compliance["acceptance"].counted) == (0, 1)
    assert (row.compliance["first_response"].met, row.compliance["first_response"].counted) == (1, 1)
    assert (row.compliance["resolution"].met, row.compliance["resolution"].counted) == (0, 1)


def test_the_three_limits_are_shown_on_the_case_workbench_and_board(
    casework, office, hitech, enterprise_user, client_for
):
    case, _ = file(enterprise_user, category="power", day=datetime.date.today() - 10 * DAY)
    page = client_for(office).get(f"/cases/{case.number}/").content.decode()
    for kind in ("acceptance", "first_response", "resolution"):
        assert f'data-limit="{kind}"' in page
    assert "受理" in page and "首次响应" in page
    bench = client_for(office).get("/cases/workbench/").content.decode()
    assert 'data-limit="acceptance"' in bench  # the limit it works towards now
    board_page = client_for(office).get("/cases/board/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-limit="first_response"' in board_page and case.number in board_page  # overdue acceptance


def test_the_workbench_clocks_kept_in_the_process_follow_every_change_of_history_day_and_extension(
    casework, office, hitech, enterprise_user
):
    from waibao.casework import selectors

    case, _ = file(enterprise_user, category="power")  # Monday; acceptance 1, first response 2, resolution 5

    def line(today: datetime.date) -> tuple[str, str]:
        [found] = [x for x in selectors.workbench(office, today=today).object_list if x["number"] == case.number]
        return found["limit"], found["time_left"]

    selectors._CLOCKS_MEMO.clear()
    assert line(MON) == ("acceptance", "1 working day")
    assert len(selectors._CLOCKS_MEMO) == 1
    assert line(MON) == ("acceptance", "1 working day")  # the same inputs: the kept clocks
    assert len(selectors._CLOCKS_MEMO) == 1
    assert line(MON + DAY)[0] == "acceptance" and len(selectors._CLOCKS_MEMO) == 2  # another day: counted again
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))  # accepted: a new history
    assert line(MON)[0] == "first_response"
    case_act(case=case, action="reply", party=DEPARTMENT, actor=hitech, text="正在协调", at=at(MON))
    before = line(MON)
    assert before[0] == "resolution"
    rows = selectors._workbench_rows(office, "")
    [case_id] = [r[0] for r in rows if r[1] == case.number]
    extension = selectors._WORKBENCH_FIELDS.index("extension_days")
    longer = [(*r[:extension], r[extension] + 10, *r[extension + 1 :]) if r[0] == case_id else r for r in rows]
    limit = selectors._workbench_clocks(rows, MON)[case_id].resolution.state.limit  # type: ignore[union-attr]
    granted = selectors._workbench_clocks(longer, MON)[case_id].resolution.state.limit  # type: ignore[union-attr]
    assert granted == limit + 10  # ten more days granted: another key, the longer limit


def test_routing_per_category_as_data(casework, office, enterprise_user):
    land, _ = file(enterprise_user, category="land")  # under "premises": inherits planning-land
    labour, _ = file(enterprise_user, category="labour")
    power, _ = file(enterprise_user, category="power")  # no department of its own: the type's
    assert land.department.code == "planning-land"
    assert labour.department.code == "labour"
    assert power.department.code == "hi-tech-office"
    case_act(case=land, action="assign", party=OFFICE, actor=office, at=at(MON))
    land.refresh_from_db()
    assert land.department.code == "planning-land" and land.transfers.get().to_department.code == "planning-land"


def test_another_citys_categories_route_and_unknown_departments_are_refused(casework, tmp_path):
    from waibao.casework.dataset import load_casework_dataset
    from waibao.casework.services import routed_department
    from waibao.common.dataset import DatasetError

    folder = tmp_path / "casework"
    folder.mkdir()
    (folder / "rules.yaml").write_text(
        "grades:\n  - {code: good, name_zh: 好}\n  - {code: bad, name_zh: 差, bad: true}\n"
    )
    (folder / "types.yaml").write_text(
        "types:\n"
        "  - code: street\n    name_zh: 街面\n    duty: SZ-4.6\n    outcomes: [answered]\n    categories:\n"
        "      - code: roads\n        name_zh: 道路\n        department: planning-land\n        children:\n"
        "          - {code: potholes, name_zh: 坑洼}\n"
        "          - {code: signs, name_zh: 标志, department: public-security-foreign-affairs}\n"
        "      - {code: noise, name_zh: 噪声}\n"
    )
    load_casework_dataset(tmp_path)
    street = CaseType.objects.get(code="street")
    assert routed_department(street, "potholes").code == "planning-land"
    assert routed_department(street, "signs").code == "public-security-foreign-affairs"
    assert routed_department(street, "noise") == street.department == routed_department(street, "")
    (folder / "types.yaml").write_text(
        "types:\n  - code: street\n    name_zh: 街面\n    duty: SZ-4.6\n    outcomes: [answered]\n    categories:\n"
        "      - {code: roads, name_zh: 道路, department: roads-bureau}\n"
    )
    with pytest.raises(DatasetError, match="unknown department 'roads-bureau'"):
        load_casework_dataset(tmp_path)


def _overdue_case(enterprise_user, office, hitech):
    case, _ = file(enterprise_user, category="power")
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case_act(case=case, action="reply", party=DEPARTMENT, actor=hitech, text="收到", at=at(MON))
    return case


def test_supervision_of_an_overdue_case(casework, office, hitech, enterprise_user, django_capture_on_commit_callbacks):
    from tests.factories import make_user
    from waibao.accounts.models import Role

    case = _overdue_case(enterprise_user, office, hitech)
    head = make_user(Role.DEPARTMENT_REVIEWER, username="head", department=hitech.department, email="head@example.com")
    DepartmentHead.objects.create(department=hitech.department, user=head)
    hitech.email = "hitech@example.com"
    hitech.save(update_fields=["email"])
    on_track = MON + DAY
    with pytest.raises(DomainError) as early:
        case_supervise(case=case, party=OFFICE, actor=office, reason="催办", at=at(on_track))
    assert early.value.code == "not_at_risk"
    late = at(MON + 10 * DAY)
    with pytest.raises(PermissionDeniedError):
        case_supervise(case=case, party=DEPARTMENT, actor=hitech, reason="催办", at=late)
    with pytest.raises(DomainError) as no_reason:
        case_supervise(case=case, party=OFFICE, actor=office, reason="  ", at=late)
    assert no_reason.value.field == "reason"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supervision = case_supervise(case=case, party=OFFICE, actor=office, reason="已超期，请本周内办结", at=late)
    assert (supervision.limit, supervision.badge) == ("resolution", "overdue")
    step = CaseChange.objects.filter(case=case).last()
    assert step is not None and (step.action, step.status, step.note) == (
        "supervise",
        "assigned",
        "已超期，请本周内办结",
    )
    assert sorted(mail.outbox[-1].to) == ["head@example.com", "hitech@example.com"]
    assert AuditEvent.objects.filter(action="case.supervise").count() == 1
    # the history step does not move any clock
    clocks = limit_clocks_for([case], today=MON + 10 * DAY)[case.pk]
    assert clocks.resolution is not None and clocks.resolution.state.elapsed == 8
    data = board(today=MON + 10 * DAY)
    assert [(s["number"], s["department"]) for s in data.supervisions] == [(case.number, hitech.department.name)]
    assert supervision.case == case
    assert next(r for r in data.rows if r.department.pk == hitech.department.pk).supervised == 1
    answered = _overdue_case(enterprise_user, office, hitech)
    case_act(case=answered, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=late)
    with pytest.raises(DomainError) as closed:
        case_supervise(case=answered, party=OFFICE, actor=office, reason="r", at=late)
    assert closed.value.code == "not_open"


def test_supervision_over_http_is_shown_on_the_case_and_the_board(
    casework, office, hitech, enterprise_user, client_for
):
    case, _ = file(enterprise_user, category="power", day=datetime.date.today() - 20 * DAY)
    page = client_for(office).get(f"/cases/{case.number}/").content.decode()
    assert 'id="supervise-form"' in page  # acceptance overdue
    assert 'id="supervise-form"' not in client_for(hitech).get(f"/cases/{case.number}/").content.decode()
    refused = client_for(hitech).post(f"/cases/{case.number}/supervise/", {"reason": "x"}, follow=True)
    assert refused.status_code == 200 and not Supervision.objects.exists()
    client_for(office).post(f"/cases/{case.number}/supervise/", {"reason": ""})
    assert not Supervision.objects.exists()
    response = client_for(office).post(f"/cases/{case.number}/supervise/", {"reason": "请尽快受理"}, follow=True)
    assert response.status_code == 200 and Supervision.objects.get().limit == "acceptance"
    assert 'id="case-supervisions"' in response.content.decode()
    assert case.number in client_for(office).get("/cases/board/").content.decode().split('id="supervisions"')[1]


def _bad_rating(enterprise_user, office, hitech):
    case = _overdue_case(enterprise_user, office, hitech)
    case_act(case=case, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=at(MON))
    rating_give(case=case, party=REQUESTER, actor=enterprise_user, grade="dissatisfied", at=at(MON + DAY))
    return case


def test_a_rectification_closes_only_with_a_callback(casework, office, hitech, enterprise_user):
    case = _bad_rating(enterprise_user, office, hitech)
    when = at(MON + 2 * DAY)
    for bad in ({"channel": "pigeon", "satisfied": True}, {"channel": "phone", "satisfied": None}):
        with pytest.raises(DomainError) as refused:
            rectification_done(case=case, party=DEPARTMENT, actor=hitech, at=when, **bad)  # type: ignore[arg-type]
        assert refused.value.code == "callback"
    with pytest.raises(DomainError):  # a callback in the future
        rectification_done(
            case=case,
            party=DEPARTMENT,
            actor=hitech,
            channel="phone",
            satisfied=True,
            called_at=at(MON + 9 * DAY),
            at=when,
        )
    with pytest.raises(DomainError):  # before the rating it answers
        rectification_done(
            case=case, party=DEPARTMENT, actor=hitech, channel="phone", satisfied=True, called_at=at(MON - DAY), at=when
        )
    with pytest.raises(PermissionDeniedError):
        rectification_done(case=case, party=REQUESTER, actor=enterprise_user, channel="phone", satisfied=True, at=when)
    assert not Callback.objects.exists() and Rating.objects.get().rectification == "open"
    rating = rectification_done(
        case=case, party=DEPARTMENT, actor=hitech, channel="visit", satisfied=False, note="仍不满意", at=when
    )
    callback = Callback.objects.get()
    assert (callback.called_by, callback.channel, callback.satisfied, callback.note) == (
        hitech,
        "visit",
        False,
        "仍不满意",
    )
    assert rating.rectification == "done" and rating.rectified_on == MON + 2 * DAY
    with pytest.raises(DomainError):
        rectification_done(case=case, party=DEPARTMENT, actor=hitech, channel="phone", satisfied=True, at=when)


def test_the_callback_form_over_http(casework, office, hitech, enterprise_user, client_for):
    case = _bad_rating(enterprise_user, office, hitech)
    client = client_for(hitech)
    assert 'id="callback-form"' in client.get(f"/cases/{case.number}/").content.decode()
    client.post(f"/cases/{case.number}/rectify/", {"kind": "done", "channel": "phone"})  # no satisfaction
    assert Rating.objects.get().rectification == "open"
    response = client.post(
        f"/cases/{case.number}/rectify/",
        {"kind": "done", "channel": "phone", "satisfied": "yes", "called_at": "", "note": "已回访"},
        follow=True,
    )
    assert Rating.objects.get().rectification == "done" and Callback.objects.get().satisfied is True
    assert "已回访" in response.content.decode().split('id="case-callback"')[1]
    requester_view = client_for(enterprise_user).get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Telephone" in requester_view.content.decode()


@pytest.fixture
def catalogue(casework):
    from pathlib import Path

    from django.conf import settings

    from waibao.recruitment.dataset import load_scarce_talent_dataset

    load_scarce_talent_dataset(Path(settings.WAIBAO_DEFAULT_DATASET))
    from waibao.recruitment.models import ScarceTalent

    return ScarceTalent.objects.first()


def test_talent_cases_take_an_entry_of_the_scarce_talent_catalogue(catalogue, enterprise_user):
    assert catalogue is not None
    case, _ = file(
        enterprise_user,
        code="talent_residence",
        details={"person_name": "李四"},
        scarce_talent=catalogue.code,
        files=[("contract", _pdf())],
    )
    assert case.scarce_talent == catalogue
    with pytest.raises(DomainError) as unknown:
        file(
            enterprise_user,
            code="high_level_talent",
            details={"person_name": "李四"},
            scarce_talent="nope",
            files=[("certificate", _pdf())],
        )
    assert unknown.value.field == "scarce_talent"
    with pytest.raises(DomainError) as wrong_type:
        file(enterprise_user, category="power", scarce_talent=catalogue.code)
    assert wrong_type.value.code == "scarce_talent"


def test_the_catalogue_links_to_filing_with_the_entry_preselected(catalogue, enterprise_user, client_for):
    page = client_for(None).get("/careers/talent-catalogue/").content.decode()
    link = f"/cases/file/talent_residence/?scarce_talent={catalogue.code}"
    assert link in page and f"/cases/file/high_level_talent/?scarce_talent={catalogue.code}" in page
    anonymous = client_for(None).get(link)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]  # an enterprise's type: sign in
    form = client_for(enterprise_user).get(link).content.decode()
    assert f'<option value="{catalogue.code}" selected>' in form


def _pdf():
    from tests.casework.test_services import _pdf as pdf

    return pdf()


@pytest.mark.django_db(transaction=True)
def test_old_callback_notes_become_callback_records(casework, office, hitech, enterprise_user):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    case = _bad_rating(enterprise_user, office, hitech)
    executor = MigrationExecutor(connection)
    executor.migrate([("casework", "0002_callback_supervision_scarce_talent")])
    old = executor.loader.project_state([("casework", "0002_callback_supervision_scarce_talent")]).apps
    OldRating = old.get_model("casework", "Rating")
    OldRating.objects.filter(case_id=case.pk).update(
        callback_note="电话回访，企业已满意", rectification="done", rectified_on=MON + 3 * DAY
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    callback = Callback.objects.get()
    assert (callback.note, callback.channel, callback.satisfied) == ("电话回访，企业已满意", "other", None)
    assert callback.called_at.date() == MON + 3 * DAY and callback.rating.case_id == case.pk


def test_the_board_counts_ratings_and_supervisions_by_department_and_lists_the_latest(
    casework, office, hitech, enterprise_user
):
    """Ratings are read with the cases (one a case), supervisions all at once: each department's line counts its
    ratings, bad ratings and supervisions; the bad ratings are listed the latest first; the departments' names come
    from the cache, refreshed when the governance data set marks them changed."""
    from waibao.common import public_cache
    from waibao.governance.models import Department
    from waibao.governance.selectors import DUTIES_AREA

    bad = _bad_rating(enterprise_user, office, hitech)
    good = _overdue_case(enterprise_user, office, hitech)
    case_act(case=good, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=at(MON))
    rating_give(case=good, party=REQUESTER, actor=enterprise_user, grade="satisfied", at=at(MON + DAY))
    later = _overdue_case(enterprise_user, office, hitech)
    case_act(case=later, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=at(MON))
    rating_give(case=later, party=REQUESTER, actor=enterprise_user, grade="dissatisfied", at=at(MON + 2 * DAY))
    supervised = _overdue_case(enterprise_user, office, hitech)
    for _ in range(2):
        case_supervise(case=supervised, party=OFFICE, actor=office, reason="请尽快办理", at=at(MON + 10 * DAY))
    first, second = _overdue_case(enterprise_user, office, hitech), _overdue_case(enterprise_user, office, hitech)
    extension_request(case=second, party=DEPARTMENT, actor=hitech, days=3, reason="需现场核查")
    extension_request(case=first, party=DEPARTMENT, actor=hitech, days=2, reason="等待材料")
    data = board(today=MON + 10 * DAY)
    row = next(r for r in data.rows if r.department.pk == hitech.department.pk)
    assert (row.ratings, row.bad_ratings, row.supervised, row.extensions_pending) == (3, 2, 2, 2)
    assert [(e["number"], e["text"], e["note"]) for e in data.extensions] == [
        (second.number, "+3", "需现场核查"),  # in the order they were asked
        (first.number, "+2", "等待材料"),
    ]
    assert [b["number"] for b in data.bad] == [later.number, bad.number]  # the latest rating first
    assert [s["number"] for s in data.supervisions] == [supervised.number, supervised.number]
    line = next(cells for cells in data.table if cells["department"] == hitech.department.name)
    assert (line["ratings"], line["supervised"]) == ("2 / 3", 2)

    Department.objects.filter(pk=hitech.department.pk).update(name_zh="改名后的部门", name_en="Renamed office")
    public_cache.changed(DUTIES_AREA)  # as the governance data set, the only writer of departments, does
    data = board(today=MON + 10 * DAY)
    renamed = Department.objects.get(pk=hitech.department.pk).name  # in the active language
    assert renamed in ("改名后的部门", "Renamed office")
    assert any(cells["department"] == renamed for cells in data.table)
    assert {b["department"] for b in data.bad} == {renamed}


def test_a_limit_that_reaches_a_year_not_loaded_shows_after_the_last_day_held(
    casework, office, hitech, enterprise_user, client_for, work_calendar
):
    """Filed on the last working days of the last loaded year: the case page, the workbench, the export and the API
    show the working days used and "after 31 December" for a limit that falls in the next year, instead of refusing
    the page; the daily tick runs."""
    from unittest import mock

    from django.core.management import call_command

    from waibao.workdays.selectors import current_calendar

    last = max(current_calendar().years)
    filed = datetime.date(last, 12, 30)
    case, _ = file(enterprise_user, category="power", day=filed)  # resolution: 5 working days, into next year
    after = f"{last}-12-31"
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(last, 12, 31)):
        client = client_for(office)
        page = client.get(f"/cases/{case.number}/")
        assert page.status_code == 200
        assert f"{after} 之后（下一年度工作日历尚未载入）" in page.content.decode()
        bench = client.get("/cases/workbench/", HTTP_ACCEPT_LANGUAGE="en")
        assert bench.status_code == 200 and case.number in bench.content.decode()
        assert client.get("/cases/board/").status_code == 200
        assert client.get("/cases/export.xlsx").status_code == 200
        found = client.get(f"/api/v1/cases/{case.number}").json()["time_limit"]
        assert (found["due"], found["due_after"], found["state"]) == (None, after, "on_track")
        call_command("casework", "tick", stdout=io.StringIO())
