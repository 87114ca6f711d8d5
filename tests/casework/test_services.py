"""The life of a case through its services: filing, routing, waiting, answers, extensions, ratings, jobs."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from tests.casework.conftest import at
from tests.factories import EnterpriseFactory
from waibao.casework.models import (
    AppealStatus,
    CaseStatus,
    CaseType,
    ExtensionStatus,
    RectificationStatus,
    Transfer,
)
from waibao.casework.selectors import clocks_for, indicator_figure
from waibao.casework.services import (
    appeal_ask,
    appeal_decide,
    auto_close,
    case_act,
    case_file,
    check_code_matches,
    extension_decide,
    extension_request,
    rating_give,
    rectification_done,
    send_reminders,
)
from waibao.casework.workflow import DEPARTMENT, OFFICE, REQUESTER, SYSTEM
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.governance.models import Department
from waibao.workdays.calendar import build_calendar
from waibao.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db
MON = datetime.date(2025, 3, 3)


def file(enterprise_user, code="difficulty", day=MON, **kw):
    case_type = CaseType.objects.get(code=code)
    values = {
        "case_type": case_type,
        "filer_kind": "enterprise",
        "title": "停电",
        "body": "园区停电三天",
        "contact_name": "张三",
        "contact_email": "zs@example.com",
        "category": case_type.category_choices()[0][0] if case_type.categories else "",
        "enterprise": enterprise_user.enterprise,
        "user": enterprise_user,
        "at": at(day),
    }
    values.update(kw)
    return case_file(**values)


def test_every_shipped_type_is_loaded_with_its_department_from_its_duty(casework):
    types = {t.code: t for t in CaseType.objects.select_related("department", "duty")}
    assert len(types) == 10
    assert types["ip_complaint"].department.code == "ip-office" and types["ip_complaint"].confidential
    assert types["ip_complaint"].duty.citation == "SZ-5.2"
    assert types["difficulty"].department.code == "hi-tech-office"
    assert types["entry_exit"].department.code == "public-security-foreign-affairs"
    assert types["difficulty"].filers == ["enterprise"]
    assert ("office_space", "场地 / 办公用房") in types["difficulty"].category_choices()


def test_another_city_loads_its_own_types(casework, tmp_path):
    from waibao.casework.dataset import load_casework_dataset
    from waibao.common.dataset import DatasetError

    (tmp_path / "casework").mkdir()
    (tmp_path / "casework" / "rules.yaml").write_text(
        "resolution_days: 3\ngrades:\n  - {code: good, name_zh: 好}\n  - {code: bad, name_zh: 差, bad: true}\n"
    )
    (tmp_path / "casework" / "types.yaml").write_text(
        "types:\n  - {code: ask, name_zh: 问, duty: SZ-4.6, outcomes: [answered]}\n"
    )
    load_casework_dataset(tmp_path)
    assert CaseType.objects.get(code="ask").resolution_days == 3
    assert not CaseType.objects.get(code="consultation").is_active
    (tmp_path / "casework" / "types.yaml").write_text(
        "types:\n  - {code: x, name_zh: X, duty: SZ-99.1, outcomes: [a]}\n"
    )
    with pytest.raises(DatasetError, match="unknown duty"):
        load_casework_dataset(tmp_path)


def test_filing_checks_who_may_file_and_the_ip_fields(casework, enterprise_user):
    difficulty = CaseType.objects.get(code="difficulty")
    with pytest.raises(DomainError) as refused:
        case_file(
            case_type=difficulty, filer_kind="public", title="t", body="b", contact_name="n", contact_email="a@b.cn"
        )
    assert refused.value.code == "filer_not_allowed"
    with pytest.raises(DomainError):
        file(enterprise_user, code="ip_complaint", category="patent")
    infringer = EnterpriseFactory(name_zh="抄袭软件有限公司")
    case, code = file(
        enterprise_user,
        code="ip_complaint",
        category="patent",
        right_type="patent",
        right_holder="本公司",
        registration_number="ZL2020-1",
        infringer_name="抄袭软件有限公司",
        files=[("evidence", _pdf())],
    )
    assert case.confidential and case.infringer == infringer and case.department.code == "ip-office"
    assert check_code_matches(case, code) and not check_code_matches(case, "000000" if code != "000000" else "1")
    assert case.attachments.count() == 1


def _pdf():
    import io

    from waibao.applications.evidence import check_upload

    return check_upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="e.pdf")


def test_the_full_life_with_a_stopped_clock(casework, office, hitech, enterprise_user):
    case, _code = file(enterprise_user)
    assert case.status == CaseStatus.FILED and len(mail.outbox) == 0  # sent on commit
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    assert list(case.changes.values_list("status", flat=True)) == ["filed", "accepted", "assigned"]
    with pytest.raises(DomainError):
        case_act(case=case, action="answer", party=REQUESTER, actor=enterprise_user, text="x", at=at(MON))
    case_act(
        case=case,
        action="ask_requester",
        party=DEPARTMENT,
        actor=hitech,
        text="请提供租赁合同",
        at=at(MON + datetime.timedelta(days=1)),
    )
    case.refresh_from_db()
    assert case.handler == hitech
    clock = clocks_for([case], today=MON + datetime.timedelta(days=14))[case.pk]
    assert clock.badge == "stopped" and clock.state.elapsed == 1
    case_act(
        case=case,
        action="requester_answer",
        party=REQUESTER,
        actor=enterprise_user,
        text="已上传",
        at=at(MON + datetime.timedelta(days=14)),
    )
    case_act(
        case=case,
        action="answer",
        party=DEPARTMENT,
        actor=hitech,
        text="已协调供电局",
        outcome="solved",
        at=at(MON + datetime.timedelta(days=15)),
    )
    case.refresh_from_db()
    clock = clocks_for([case], today=MON + datetime.timedelta(days=30))[case.pk]
    assert clock.badge == "met" and clock.state.elapsed == 2
    rating = rating_give(case=case, party=REQUESTER, actor=enterprise_user, grade="dissatisfied", comment="慢")
    assert rating.bad and rating.rectification == RectificationStatus.OPEN
    with pytest.raises(DomainError):
        rating_give(case=case, party=REQUESTER, actor=enterprise_user, grade="satisfied")
    appeal_ask(case=case, party=DEPARTMENT, actor=hitech, reason="已按时办结")
    with pytest.raises(DomainError):
        appeal_ask(case=case, party=DEPARTMENT, actor=hitech, reason="again")
    appeal_decide(case=case, party=OFFICE, actor=office, uphold=False)
    rating = rectification_done(
        case=case, party=DEPARTMENT, actor=hitech, channel="phone", satisfied=True, note="已回访"
    )
    assert rating.rectification == RectificationStatus.DONE and rating.appeal == AppealStatus.REJECTED
    assert (rating.callback.channel, rating.callback.satisfied, rating.callback.called_by) == ("phone", True, hitech)


def test_an_upheld_appeal_waives_the_rectification(casework, office, hitech, enterprise_user):
    case, _ = file(enterprise_user)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case_act(case=case, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=at(MON))
    rating_give(case=case, party=REQUESTER, actor=enterprise_user, grade="very_dissatisfied")
    appeal_ask(case=case, party=DEPARTMENT, actor=hitech, reason="r")
    rating = appeal_decide(case=case, party=OFFICE, actor=office, uphold=True)
    assert not rating.bad and rating.rectification == RectificationStatus.WAIVED


def test_misroute_is_counted_against_the_router(casework, office, enterprise_user):
    from tests.casework.conftest import dept_user

    labour = dept_user("labour", "labour")
    case, _ = file(enterprise_user, category="power")  # a category routed to the type's department
    case_act(
        case=case,
        action="assign",
        party=OFFICE,
        actor=office,
        department=Department.objects.get(code="labour"),
        at=at(MON),
    )
    case_act(
        case=case,
        action="return_misroute",
        party=DEPARTMENT,
        actor=labour,
        text="不属本局",
        at=at(MON + datetime.timedelta(days=4)),
    )
    t = Transfer.objects.get(case=case, misroute=True)
    assert t.router == office and t.on_time is False  # Thursday: 3 working days > 2
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON + datetime.timedelta(days=4)))
    case.refresh_from_db()
    assert case.department.code == "hi-tech-office"


def test_extension_once_within_the_cap_approved_by_the_office(casework, office, hitech, enterprise_user):
    case, _ = file(enterprise_user)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case.refresh_from_db()
    with pytest.raises(DomainError) as capped:
        extension_request(case=case, party=DEPARTMENT, actor=hitech, days=11, reason="r")
    assert capped.value.code == "extension_cap"
    with pytest.raises(PermissionDeniedError):
        extension_request(case=case, party=REQUESTER, actor=enterprise_user, days=3, reason="r")
    ext = extension_request(case=case, party=DEPARTMENT, actor=hitech, days=5, reason="需现场核查")
    with pytest.raises(DomainError) as twice:
        extension_request(case=case, party=DEPARTMENT, actor=hitech, days=2, reason="r")
    assert twice.value.code == "extension_once"
    with pytest.raises(PermissionDeniedError):
        extension_decide(extension=ext, party=DEPARTMENT, actor=hitech, approve=True)
    extension_decide(extension=ext, party=OFFICE, actor=office, approve=True)
    case.refresh_from_db()
    assert ext.case.extensions.get().status == ExtensionStatus.APPROVED and case.extension_days == 5
    clock = clocks_for([case], today=MON + datetime.timedelta(days=9))[case.pk]
    assert clock.state.limit == 10 and clock.badge == "on_track"


def test_auto_close_and_reopen_window(casework, office, hitech, enterprise_user):
    case, _ = file(enterprise_user)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case_act(case=case, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved", at=at(MON))
    assert auto_close(today=MON + datetime.timedelta(days=4)) == 0
    assert auto_close(today=MON + datetime.timedelta(days=7)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    case_act(
        case=case,
        action="reopen",
        party=REQUESTER,
        actor=enterprise_user,
        text="未解决",
        at=at(MON + datetime.timedelta(days=8)),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    case_act(
        case=case,
        action="answer",
        party=DEPARTMENT,
        actor=hitech,
        text="ok",
        outcome="solved",
        at=at(MON + datetime.timedelta(days=9)),
    )
    with pytest.raises(DomainError) as late:
        case_act(
            case=case,
            action="reopen",
            party=REQUESTER,
            actor=enterprise_user,
            text="x",
            at=at(MON + datetime.timedelta(days=40)),
        )
    assert late.value.code == "reopen_window"
    with pytest.raises(DomainError):
        case_act(case=case, action="auto_close", party=OFFICE, actor=office)
    case_act(case=case, action="auto_close", party=SYSTEM, actor=None)


def test_reminders_once_before_the_limit_and_supervision_when_overdue(casework, office, hitech, enterprise_user):
    from waibao.casework.models import DepartmentHead, Reminder

    head = hitech.__class__.objects.create(username="head", email="head@example.com", role="city_leader")
    DepartmentHead.objects.create(department=hitech.department, user=head)
    hitech.email = "h@example.com"
    hitech.save()
    case, _ = file(enterprise_user)
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(MON))
    case.refresh_from_db()
    from waibao.casework.models import Case

    Case.objects.filter(pk=case.pk).update(handler=hitech)
    mail.outbox.clear()
    # resolution 5 from Monday: due next Monday; on Thursday 2 are left, Friday 1. The first response (2 working
    # days from the assignment on Monday) is overdue on Thursday: the office is told.
    with_capture = send_reminders(today=MON + datetime.timedelta(days=3))
    assert with_capture == 2 and send_reminders(today=MON + datetime.timedelta(days=3)) == 0
    assert send_reminders(today=MON + datetime.timedelta(days=9)) == 1  # resolution overdue: the office
    assert sorted(Reminder.objects.filter(case=case).values_list("limit", "lead")) == [
        ("first_response", -1),
        ("resolution", -1),
        ("resolution", 2),
    ]


def test_indicators_read_the_casework_figures(casework, office, hitech, enterprise_user):
    from waibao.governance.indicators import indicator_for

    today = datetime.date(2025, 4, 30)
    case, _ = file(enterprise_user, day=datetime.date(2025, 4, 1))
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(datetime.date(2025, 4, 1)))
    case_act(
        case=case,
        action="answer",
        party=DEPARTMENT,
        actor=hitech,
        text="ok",
        outcome="solved",
        at=at(datetime.date(2025, 4, 2)),
    )
    _late, _ = file(enterprise_user, day=datetime.date(2025, 4, 1))
    assert indicator_figure("cases_answered", today=today, calendar=current_calendar()) == (1, 2)
    value = indicator_for("cases_answered").compute(today, current_calendar())
    assert value.available and value.numerator == 1 and value.denominator == 2
    assert indicator_for("ip_complaints_answered").compute(today, current_calendar()).denominator == 0


def test_the_duty_indicator_is_computed_again_after_every_casework_change(casework, office, hitech, enterprise_user):
    """The cockpit's case indicators come from the cache until a case's history, an extension or the calendar
    changes (the casework services mark the area changed; the calendar's fingerprint is in the key)."""
    from waibao.governance.indicators import indicator_for

    indicator = indicator_for("cases_answered")
    today = datetime.date(2025, 4, 14)
    case, _ = file(enterprise_user, day=datetime.date(2025, 4, 1))
    case_act(case=case, action="assign", party=OFFICE, actor=office, at=at(datetime.date(2025, 4, 1)))
    before = indicator.compute(today, current_calendar())
    assert (before.numerator, before.denominator) == (0, 1)  # open, past its 5 working days on the 14th
    holidays = [datetime.date(2025, 4, d) for d in range(2, 30)]
    fewer_workdays = build_calendar(current_calendar().years, holidays, [])
    assert indicator.compute(today, fewer_workdays).denominator == 0  # another calendar: not overdue under it
    case.refresh_from_db()
    ext = extension_request(case=case, party=DEPARTMENT, actor=hitech, days=10, reason="需现场核查")
    extension_decide(extension=ext, party=OFFICE, actor=office, approve=True)
    longer = indicator.compute(today, current_calendar())
    assert (longer.numerator, longer.denominator) == (0, 0)  # 15 working days now: within them, not counted yet
    case.refresh_from_db()
    case_act(
        case=case, action="answer", party=DEPARTMENT, actor=hitech, text="ok", outcome="solved",
        at=at(datetime.date(2025, 4, 2)),
    )  # fmt: skip
    after = indicator.compute(today, current_calendar())
    assert (after.numerator, after.denominator) == (1, 1)
