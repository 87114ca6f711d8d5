"""Casework through HTTP: the access matrix (every role × case type), filing (signed in and public with an
e-mailed code), actions, the workbench, the board (a fixed number of queries), figures, the export, the API."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.casework.conftest import at, dept_user
from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role
from waibao.casework.models import Case, CaseChange, CaseStatus, CaseType, Extension, Rating, Supervision
from waibao.casework.services import case_act, case_file, case_steps_store
from waibao.casework.workflow import DEPARTMENT, OFFICE

pytestmark = pytest.mark.django_db


def _file(user, code: str, **kw):
    case_type = CaseType.objects.get(code=code)
    ip = {}
    if code == "ip_complaint":
        import io as _io

        from waibao.applications.evidence import check_upload

        ip = {
            "right_type": "copyright",
            "right_holder": "甲",
            "registration_number": "R1",
            "infringer_name": "乙",
            "files": [("evidence", check_upload(_io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="e.pdf"))],
        }
    for f in case_type.attachments:
        if f != "evidence":
            import io as _io

            from waibao.applications.evidence import check_upload

            ip.setdefault("files", []).append((f, check_upload(_io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="f.pdf")))
    details = {f: "李四" for f in case_type.fields if f == "person_name"}
    case, _code = case_file(
        case_type=case_type,
        filer_kind="enterprise",
        title=f"{code} 标题",
        body="内容",
        contact_name="联系人甲",
        contact_email="c@example.com",
        contact_phone="13800000000",
        category=case_type.category_choices()[0][0] if case_type.categories else "",
        enterprise=user.enterprise,
        user=user,
        details=details,
        **ip,
        **kw,
    )
    return case


def test_access_matrix_every_role_and_every_case_type(casework, client_for, enterprise_user, other_enterprise_user):
    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    leader = make_user(Role.CITY_LEADER, username="leader")
    finance = make_user(Role.FINANCE_OFFICER, username="finance")
    trainer = make_user(Role.TRAINING_INSTITUTION, username="trainer")
    cases = {t.code: _file(enterprise_user, t.code) for t in CaseType.objects.all()}
    departments = {c.department.code for c in cases.values()}
    reviewers = {code: dept_user(code, f"rev-{code}") for code in departments}
    clients = {
        "office": client_for(office),
        "leader": client_for(leader),
        "finance": client_for(finance),
        "trainer": client_for(trainer),
        "owner": client_for(enterprise_user),
        "other": client_for(other_enterprise_user),
        "anonymous": client_for(None),
        **{f"rev-{code}": client_for(u) for code, u in reviewers.items()},
    }
    for code, case in cases.items():
        for who, client in clients.items():
            if who == "office" or who == "owner":
                expected = True
            elif who.startswith("rev-"):
                expected = who == f"rev-{case.department.code}"
            elif who == "leader":
                expected = not case.confidential
            else:
                expected = False
            page = client.get(f"/cases/{case.number}/")
            api = client.get(f"/api/v1/cases/{case.number}")
            assert (page.status_code == 200) is expected, (code, who, page.status_code)
            assert (api.status_code == 200) is expected, (code, who, api.status_code)
            if not expected:
                assert page.status_code == 404 and api.status_code in (401, 403, 404)
    # lists: an enterprise never sees another's case; confidential only to the IP office and the office
    other_list = clients["other"].get("/api/v1/cases/").json()
    assert other_list["count"] == 0
    ip_number = cases["ip_complaint"].number
    assert ip_number not in clients["leader"].get("/cases/board/").content.decode()
    assert ip_number not in clients["rev-hi-tech-office"].get("/cases/workbench/").content.decode()
    assert ip_number in clients["rev-ip-office"].get("/cases/workbench/").content.decode()
    assert clients["finance"].get("/cases/board/").status_code == 403
    assert clients["owner"].get("/cases/workbench/").status_code == 403


def test_enterprise_files_and_office_assigns_over_http(casework, client_for, enterprise_user):
    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    hitech = dept_user("hi-tech-office", "hitech")
    ent = client_for(enterprise_user)
    assert "困难协调" in ent.get("/cases/").content.decode()
    page = ent.get("/cases/file/difficulty/")
    assert page.status_code == 200
    bad = ent.post("/cases/file/difficulty/", {"title": "", "body": ""})
    assert bad.status_code == 200 and Case.objects.count() == 0
    response = ent.post(
        "/cases/file/difficulty/",
        {"category": "power", "title": "停电", "body": "三天", "contact_name": "张", "contact_email": "z@example.com"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert ent.get("/cases/file/ip_complaint/").status_code == 200
    assert client_for(enterprise_user).get("/cases/file/nope/").status_code == 404
    off = client_for(office)
    assert (
        off.post(f"/cases/{case.number}/act/", {"action": "assign", "department": "hi-tech-office"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    # a wrong action is a message, not a 500
    r = ent.post(f"/cases/{case.number}/act/", {"action": "answer", "text": "x"}, follow=True)
    assert r.status_code == 200
    assert Case.objects.get().status == CaseStatus.ASSIGNED
    dep = client_for(hitech)
    dep.post(f"/cases/{case.number}/act/", {"action": "ask_requester", "text": "请提供合同"})
    dep.post(f"/cases/{case.number}/note/", {"body": "内部备注XYZ"})
    detail = ent.get(f"/cases/{case.number}/").content.decode()
    assert "请提供合同" in detail and "内部备注XYZ" not in detail
    assert "内部备注XYZ" in dep.get(f"/cases/{case.number}/").content.decode()
    ent.post(f"/cases/{case.number}/act/", {"action": "requester_answer", "text": "已补"})
    dep.post(f"/cases/{case.number}/act/", {"action": "answer", "text": "已解决", "outcome": "solved"})
    ent.post(f"/cases/{case.number}/rate/", {"grade": "very_dissatisfied", "comment": "差"})
    assert Rating.objects.get(case=case).rectification == "open"
    # bulk assign on the workbench
    r = dep.post("/cases/workbench/", {"case": [case.number], "handler": hitech.pk})
    assert r.status_code == 302


def test_public_filing_with_an_emailed_code_and_tracking(casework, client_for, django_capture_on_commit_callbacks):
    anon = client_for(None)
    assert anon.get("/cases/").status_code == 200
    assert anon.get("/cases/public/file/difficulty/").status_code == 404  # enterprises only
    with django_capture_on_commit_callbacks(execute=True):
        r = anon.post(
            "/cases/public/file/consultation/",
            {
                "category": "policy",
                "title": "咨询",
                "body": "政策",
                "contact_name": "王",
                "contact_email": "w@example.com",
            },
        )
    assert r.status_code == 302 and r["Location"] == "/cases/public/verify/"
    code = re.search(r"(\d{6})", mail.outbox[-1].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert anon.post("/cases/public/verify/", {"code": wrong}).status_code == 200 and Case.objects.count() == 0
    done = anon.post("/cases/public/verify/", {"code": code})
    case = Case.objects.get()
    assert case.filer_kind == "public" and case.enterprise is None
    check = re.search(r'id="check-code">(\d{6})<', done.content.decode()).group(1)
    assert anon.get(f"/cases/{case.number}/").status_code == 200  # this session filed it
    stranger = client_for(None)
    assert stranger.get(f"/cases/{case.number}/").status_code == 404
    assert stranger.post("/cases/track/", {"number": case.number, "code": wrong}).status_code == 200
    r = stranger.post("/cases/track/", {"number": case.number, "code": check})
    assert r.status_code == 302 and stranger.get(f"/cases/{case.number}/").status_code == 200


def test_board_answers_with_a_fixed_number_of_queries(casework, client_for, enterprise_user):
    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    client = client_for(office)
    types = list(CaseType.objects.all())

    def grow(n: int) -> None:
        start = Case.objects.count()
        now = timezone.now()
        made = Case.objects.bulk_create(
            Case(
                number=f"B{start + i:09d}",
                case_type=types[i % len(types)],
                title="t",
                body="b",
                filer_kind="enterprise",
                enterprise=enterprise_user.enterprise,
                contact_name="n",
                contact_email="e@example.com",
                department=types[i % len(types)].department,
                status=CaseStatus.ASSIGNED if i % 3 else CaseStatus.ANSWERED,
                confidential=types[i % len(types)].confidential,
                filed_at=now - datetime.timedelta(days=i % 30),
            )
            for i in range(n)
        )
        changes = []
        for c in made:
            day = timezone.localtime(c.filed_at).date()
            changes.append(CaseChange(case=c, status="filed", on=day, at=c.filed_at, action="filed"))
            changes.append(CaseChange(case=c, status=c.status, on=day, at=c.filed_at, action="x"))
        CaseChange.objects.bulk_create(changes)
        case_steps_store(case_ids=[c.pk for c in made])  # as the services store a case's history with each change
        # bad ratings, supervisions and extension requests on some of them: each is read in one query
        day = timezone.localdate()
        Rating.objects.bulk_create(
            Rating(case=c, grade="dissatisfied", bad=True, on=day, rectification="open")
            for c in made
            if c.status == CaseStatus.ANSWERED
        )
        Supervision.objects.bulk_create(
            Supervision(case=c, by=office, at=now, limit="resolution", badge="overdue", reason="r") for c in made[1::3]
        )
        Extension.objects.bulk_create(
            Extension(case=c, days=3, reason="r", requested_by=None, requested_at=now) for c in made[2::3]
        )

    grow(10)
    client.get("/cases/board/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/cases/board/").status_code == 200
    grow(300)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/cases/board/").status_code == 200
    assert len(large) == len(small) <= 16, [q["sql"][:80] for q in large.captured_queries]


def test_export_masks_personal_data_for_those_who_may_not_see_it(casework, client_for, enterprise_user):
    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    leader = make_user(Role.CITY_LEADER, username="leader")
    _file(enterprise_user, "difficulty")

    def sheet(user):
        r = client_for(user).get("/cases/export.xlsx")
        assert r.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
        return [list(row) for row in wb.active.iter_rows(values_only=True)]

    assert "联系人甲" in sheet(office)[1] and "c@example.com" in sheet(office)[1]
    masked = sheet(leader)[1]
    assert "联系人甲" not in masked and "c@example.com" not in masked
    assert client_for(None).get("/cases/export.xlsx").status_code in (302, 403)


def test_public_figures_withhold_cells_from_too_few_requesters(casework, client_for, enterprise_user):
    office = make_user(Role.PROGRAMME_OFFICE, username="office")
    hitech = dept_user("hi-tech-office", "hitech")
    day = datetime.date(2025, 3, 3)
    for i in range(4):
        user = (
            enterprise_user if i == 0 else make_user(Role.ENTERPRISE, username=f"e{i}", enterprise=EnterpriseFactory())
        )
        case = _file(user, "consultation", at=at(day))
        case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(day))
        case_act(case=case, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="answered", at=at(day))
    only = _file(enterprise_user, "complaint", at=at(day))
    case_act(case=only, action="assign", party=OFFICE, actor=office, at=at(day))
    case_act(case=only, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="upheld", at=at(day))
    page = client_for(None).get("/cases/figures/").content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td>.*?</tr>", page, re.S)
    assert any("咨询" in r for r in rows)
    body = page.split('id="case-figures"')[1]
    consult = body.split("政策咨询")[1].split("</tr>")[0]
    complaint = body.split("投诉")[1].split("</tr>")[0]
    assert "100%" in consult and "—" in complaint and "100%" not in complaint


def test_api_lists_the_callers_cases_with_their_time_limits(casework, client_for, enterprise_user):
    _file(enterprise_user, "difficulty")
    data = client_for(enterprise_user).get("/api/v1/cases/").json()
    assert data["count"] == 1 and data["results"][0]["time_limit"]["limit"] == 5
    assert client_for(enterprise_user).get("/api/v1/cases/?status=nope").status_code == 422
    assert client_for(None).get("/api/v1/cases/").status_code in (401, 403)


def test_anyone_may_file_an_ip_complaint_and_only_the_ip_office_sees_it(
    casework, client_for, django_capture_on_commit_callbacks
):
    anon = client_for(None)
    form = {
        "category": "trademark",
        "title": "商标被仿冒",
        "body": "某公司使用近似商标",
        "contact_name": "赵",
        "contact_email": "z@example.com",
        "right_type": "trademark",
        "right_holder": "赵某",
        "registration_number": "TM-1",
        "infringer_name": "某公司",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert anon.post("/cases/public/file/ip_complaint/", form).status_code == 302
    code = re.search(r"(\d{6})", mail.outbox[-1].body).group(1)
    anon.post("/cases/public/verify/", {"code": code})
    case = Case.objects.get()
    assert case.confidential and case.department.code == "ip-office" and case.right_type == "trademark"
    assert client_for(dept_user("hi-tech-office", "hitech")).get(f"/cases/{case.number}/").status_code == 404
    assert client_for(dept_user("ip-office", "ipo")).get(f"/cases/{case.number}/").status_code == 200


def test_workbench_answers_with_a_fixed_number_of_queries(casework, client_for, enterprise_user):
    hitech = dept_user("hi-tech-office", "hitech")
    client = client_for(hitech)

    def grow(n: int) -> None:
        _open_cases(n, enterprise=enterprise_user.enterprise, handler=hitech)

    grow(5)
    client.get("/cases/workbench/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/cases/workbench/").status_code == 200
    grow(200)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/cases/workbench/").status_code == 200
    assert len(large) == len(small)


def _open_cases(n: int, *, enterprise, handler, filed_days_ago: int = 0) -> list[Case]:
    """`n` assigned cases of the hi-tech office, each with its one history step, filed `filed_days_ago` days ago."""
    case_type = CaseType.objects.get(code="consultation")
    start = Case.objects.count()
    filed = timezone.now() - datetime.timedelta(days=filed_days_ago)
    made = Case.objects.bulk_create(
        Case(
            number=f"P{start + i:09d}",
            case_type=case_type,
            title=f"t{i}",
            body="b",
            filer_kind="enterprise",
            enterprise=enterprise,
            contact_name="n",
            contact_email="e@example.com",
            department=case_type.department,
            handler=handler,
            status=CaseStatus.ASSIGNED,
            filed_at=filed,
        )
        for i in range(n)
    )
    CaseChange.objects.bulk_create(
        CaseChange(case=c, status="assigned", on=timezone.localdate(filed), at=c.filed_at, action="assign")
        for c in made
    )
    case_steps_store(case_ids=[c.pk for c in made])  # as the services store a case's history with each change
    return made


def test_the_workbench_reads_in_plain_sql_what_the_orm_reads_for_every_reader_and_status(
    casework, enterprise_user, office
):
    """The workbench's cases written out as SQL: the same values as `visible_cases` through the ORM, each reader's
    (the office every case, a reviewer the department's; any other reader through the ORM) and each status's."""
    from waibao.casework.access import visible_cases
    from waibao.casework.selectors import _OPEN_VALUES, _WORKBENCH_FIELDS, _workbench_rows

    hitech = dept_user("hi-tech-office", "hitech")
    ip_office = dept_user("ip-office", "ipoffice")
    handled = _open_cases(3, enterprise=enterprise_user.enterprise, handler=hitech)
    _open_cases(2, enterprise=enterprise_user.enterprise, handler=None)
    _file(enterprise_user, "ip_complaint")  # confidential, of the IP office, filed with no handler
    Case.objects.filter(pk=handled[0].pk).update(status=CaseStatus.WAITING, confidential=True)
    Case.objects.filter(pk=handled[1].pk).update(status=CaseStatus.CLOSED)  # not open: not on the workbench
    leader = make_user(Role.CITY_LEADER, username="leader")  # not a reader of the workbench: through the ORM

    def orm(user, status):
        cases = visible_cases(user).filter(status__in=_OPEN_VALUES)
        cases = cases.filter(status=status) if status else cases
        return sorted(cases.order_by().values_list(*_WORKBENCH_FIELDS))

    for user, expected in ((office, 5), (hitech, 4), (ip_office, 1), (leader, 3)):
        assert len(_workbench_rows(user, "")) == expected, user.username
        for status in ("", *_OPEN_VALUES):
            rows = sorted(_workbench_rows(user, status))
            assert rows == orm(user, status), (user.username, status)
            assert all(type(r[3]) is bool and isinstance(r[-1], list) for r in rows)  # as the ORM gives them
    assert any(r[3] for r in _workbench_rows(office, "waiting"))
    assert {r[12] for r in _workbench_rows(hitech, "")} == {"hitech", None}  # the handler's name, or none


def test_the_workbench_shows_fifty_cases_a_page_least_time_left_first_with_the_filter_kept(
    casework, client_for, enterprise_user, office
):
    hitech = dept_user("hi-tech-office", "hitech")
    older = _open_cases(5, enterprise=enterprise_user.enterprise, handler=hitech, filed_days_ago=20)
    newer = _open_cases(55, enterprise=enterprise_user.enterprise, handler=hitech)
    client = client_for(office)
    first = client.get("/cases/workbench/?status=assigned").content.decode()
    assert first.count('name="case"') == 50
    assert all(c.number in first for c in older)  # the least time left first: the older cases on page one
    assert "?status=assigned&amp;page=2" in first
    second = client.get("/cases/workbench/?status=assigned&page=2").content.decode()
    assert second.count('name="case"') == 10
    shown = {m for m in re.findall(r'name="case" value="([^"]+)"', first + second)}
    assert shown == {c.number for c in older + newer}  # every case once, on one of the two pages
    assert "?status=assigned&amp;page=1" in second
    assert client.get("/cases/workbench/?status=answered").content.decode().count('name="case"') == 0


def test_the_workbench_and_board_lines_escape_every_value():
    """The lines written by the casework tags escape what a requester or an officer typed (titles, reasons)."""
    from waibao.casework.templatetags.casework_tags import board_items, board_lines, handler_options, workbench_lines

    line = {
        "number": "A<1>",
        "url": "/cases/A%3C1%3E/",
        "title": '<script>alert("x")</script>',
        "confidential": True,
        "type_name": "咨询",
        "status_label": "办理中",
        "handler": "O'Brien",
        "limit": "resolution",
        "limit_label": "办结",
        "badge": "due",
        "badge_label": "将到期",
        "time_left": "1 个工作日",
        "due": "2026-12-04",
    }
    html = str(workbench_lines([line]))
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'value="A&lt;1&gt;"' in html and "O&#x27;Brien" in html and 'class="badge case-due"' in html
    assert 'colspan="9"' in str(workbench_lines([]))
    board_line = {**line, "department": "市<高新办>", "used": "3 个工作日"}
    assert "市&lt;高新办&gt;" in str(board_lines([board_line], used=True)) and "3 个工作日" in str(
        board_lines([board_line], used=True)
    )
    item = {"number": "A1", "url": "/cases/A1/", "confidential": False, "department": "d", "text": "+3",
            "note": "<i>理由</i>", "at": ""}  # fmt: skip
    assert "&lt;i&gt;理由&lt;/i&gt;" in str(board_items([item], "extension"))
    assert str(handler_options([(7, "", "", "<u>")])) == '<option value="7" translate="no">&lt;u&gt;</option>'


def test_the_workbench_and_board_words_follow_each_readers_language(casework, client_for, enterprise_user, office):
    """The labels and the working days in words are translated once per language and process: readers in English
    and in Chinese, one after the other and again, each read their own language."""
    hitech = dept_user("hi-tech-office", "hitech")
    _open_cases(1, enterprise=enterprise_user.enterprise, handler=hitech, filed_days_ago=20)  # first response overdue
    client = client_for(office)
    for _ in range(2):
        zh = client.get("/cases/workbench/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        en = client.get("/cases/workbench/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "首次响应" in zh and "个工作日" in zh and "working day" not in zh
        assert "First response" in en and "working day" in en and "个工作日" not in en
        zh = client.get("/cases/board/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        en = client.get("/cases/board/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "已用" in zh and "working days used" not in zh
        assert "working days used" in en and "已用" not in en


def test_the_workbench_filter_keeps_the_chosen_status_and_pages_only_when_there_are_pages(
    casework, client_for, enterprise_user, office
):
    """The filter's head is written once per status chosen: each choice shows itself selected, and no other."""
    hitech = dept_user("hi-tech-office", "hitech")
    _open_cases(2, enterprise=enterprise_user.enterprise, handler=hitech)
    client = client_for(office)
    for _ in range(2):
        assigned = client.get("/cases/workbench/?status=assigned").content.decode()
        assert '<option value="assigned" selected>' in assigned and assigned.count(" selected>") == 1
        every = client.get("/cases/workbench/").content.decode()
        assert '<option value="assigned">' in every and " selected>" not in every
        assert every.count('name="case"') == 2 and 'class="pagination"' not in every  # one page: no page links


def test_a_case_link_quotes_its_number_unless_it_is_letters_and_digits():
    from waibao.casework.selectors import _case_url

    assert _case_url("/cases/", "C2026012110") == "/cases/C2026012110/"
    assert _case_url("/cases/", "A<1> 2") == "/cases/A%3C1%3E%202/"
    assert _case_url("/cases/", "案1") == "/cases/%E6%A1%881/"
