"""Duties as tracked work: report → return → accept, overdue computed, access, reminders, export, another city."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from waibao.accounts.models import User
from waibao.applications.models import Notification
from waibao.audit.models import AuditEvent
from waibao.common.dataset import DatasetError
from waibao.governance.dataset import load_governance_dataset
from waibao.governance.models import Duty, DutyReport, DutyStatus, Reminder
from waibao.governance.reminders import send_duty_reminders
from waibao.governance.selectors import duty_rows
from waibao.governance.status import derive_status

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def test_status_is_derived_from_the_record() -> None:
    past, future = datetime.date(2007, 12, 31), datetime.date(2027, 6, 30)
    assert derive_status(deadline=future, has_reports=False, done_decision=None, today=TODAY) == DutyStatus.NOT_STARTED
    assert derive_status(deadline=future, has_reports=True, done_decision=None, today=TODAY) == DutyStatus.IN_PROGRESS
    assert derive_status(deadline=past, has_reports=True, done_decision=None, today=TODAY) == DutyStatus.OVERDUE
    assert derive_status(deadline=past, has_reports=True, done_decision="returned", today=TODAY) == DutyStatus.OVERDUE
    assert derive_status(deadline=past, has_reports=True, done_decision="pending", today=TODAY) == DutyStatus.SUBMITTED
    assert derive_status(deadline=past, has_reports=True, done_decision="accepted", today=TODAY) == DutyStatus.ACCEPTED


def _status(duty: Duty) -> str:
    return next(r.state.status for r in duty_rows() if r.duty.pk == duty.pk)


def test_report_return_accept_and_overdue_through_http(
    office: User, reviewer: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")
    other = Duty.objects.get(citation="SZ-1.2")
    coordinator, office_client = client_for(reviewer), client_for(office)
    # The seed's deadline (2007-12-31) has passed: overdue, computed.
    assert _status(duty) == DutyStatus.OVERDUE
    # Move the deadline into the future (the office), then report progress.
    response = office_client.post(f"/governance/duties/{duty.pk}/assign/", {"deadline": "2026-12-31"})
    assert response.status_code == 302
    assert _status(duty) == DutyStatus.NOT_STARTED
    response = coordinator.post(
        f"/governance/duties/{duty.pk}/report/", {"kind": "progress", "text": "统计制度已起草", "percent": "40"}
    )
    assert response.status_code == 302
    assert _status(duty) == DutyStatus.IN_PROGRESS
    # Done needs the rules issued (or a file).
    coordinator.post(f"/governance/duties/{duty.pk}/report/", {"kind": "done", "text": "完成"})
    assert not DutyReport.objects.filter(duty=duty, kind="done").exists()
    response = coordinator.post(
        f"/governance/duties/{duty.pk}/report/",
        {
            "kind": "done",
            "text": "已发布统计实施办法",
            "rules_title": "深圳市服务外包统计实施办法",
            "rules_number": "深贸工〔2007〕12号",
            "rules_date": "2007-11-20",
        },
    )
    assert response.status_code == 302
    assert _status(duty) == DutyStatus.SUBMITTED
    report = DutyReport.objects.get(duty=duty, kind="done")
    # Returning needs a reason; without one nothing changes.
    response = office_client.post(f"/governance/duties/{duty.pk}/reports/{report.pk}/decide/", {"accept": "0"})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.decision == "pending"
    office_client.post(
        f"/governance/duties/{duty.pk}/reports/{report.pk}/decide/", {"accept": "0", "reason": "缺少附件"}
    )
    assert _status(duty) == DutyStatus.IN_PROGRESS
    page = office_client.get(f"/governance/duties/{duty.pk}/").content.decode()
    assert "缺少附件" in page
    coordinator.post(
        f"/governance/duties/{duty.pk}/report/",
        {"kind": "done", "text": "补充附件", "rules_title": "深圳市服务外包统计实施办法"},
    )
    second = DutyReport.objects.filter(duty=duty, kind="done").order_by("-pk").first()
    assert second is not None
    office_client.post(f"/governance/duties/{duty.pk}/reports/{second.pk}/decide/", {"accept": "1"})
    assert _status(duty) == DutyStatus.ACCEPTED
    assert _status(other) == DutyStatus.OVERDUE
    actions = list(AuditEvent.objects.filter(object_id=str(duty.pk)).values_list("action", flat=True))
    for action in ("duty.assigned", "duty.reported", "duty.reported_done", "duty.returned", "duty.accepted"):
        assert action in actions


def test_who_may_report_decide_and_read(
    office: User,
    reviewer: User,
    finance: User,
    leader: User,
    enterprise_user: User,
    training_user: User,
    finance_coordinator: User,
    work_calendar: Path,
    client_for: Callable[[User | None], Client],
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")  # trade-industry's
    shared = Duty.objects.get(citation="SZ-1.4")  # trade-industry with finance
    for user in (office, reviewer, finance, leader):
        client = client_for(user)
        for url in (
            "/governance/duties/",
            f"/governance/duties/{duty.pk}/",
            "/governance/cockpit/",
            "/governance/meetings/",
            "/governance/group/",
            "/governance/duties/export/",
        ):
            assert client.get(url).status_code == 200, (user.username, url)
    for user in (enterprise_user, training_user):
        for url in (
            "/governance/duties/",
            f"/governance/duties/{duty.pk}/",
            "/governance/cockpit/",
            "/governance/meetings/",
            "/governance/duties/export/",
        ):
            assert client_for(user).get(url).status_code == 403, (user.username, url)
    assert client_for(None).get("/governance/duties/").status_code == 302
    report = {"kind": "progress", "text": "x"}
    # Another department's coordinator, finance and the leader cannot report on SZ-1.8 …
    for user in (finance_coordinator, finance, leader, office):
        assert client_for(user).post(f"/governance/duties/{duty.pk}/report/", report).status_code == 403
    # … but a co-department's coordinator reports on a shared duty.
    assert client_for(finance_coordinator).post(f"/governance/duties/{shared.pk}/report/", report).status_code == 302
    for user in (reviewer, finance, leader):
        assert client_for(user).post(f"/governance/duties/{duty.pk}/assign/", {}).status_code == 403
    assert client_for(office).get("/governance/duties/99999/").status_code == 404


def test_a_deadline_counted_in_working_days_after_an_event(office: User, work_calendar: Path) -> None:
    from waibao.governance.services import duty_assign

    duty = Duty.objects.get(citation="SZ-1.2")
    duty_assign(
        acting_user=office,
        duty=duty,
        responsible=None,
        deadline=None,
        after_working_days=5,
        event_name="通知印发",
        event_date=datetime.date(2026, 9, 28),
    )
    row = next(r for r in duty_rows(today=datetime.date(2026, 9, 29)) if r.duty.pk == duty.pk)
    # 09-29, 09-30, (National Day 10-01…10-07 off), 10-08, 10-09, 10-10 (a Saturday worked).
    assert row.state.deadline == datetime.date(2026, 10, 10)
    duty_assign(
        acting_user=office,
        duty=duty,
        responsible=None,
        deadline=None,
        after_working_days=5,
        event_name="通知印发",
        event_date=datetime.date(2026, 12, 28),
    )
    row = next(r for r in duty_rows() if r.duty.pk == duty.pk)
    assert row.state.deadline is None
    assert "2027" in row.state.deadline_note


def test_reminders_before_the_deadline_and_on_overdue_are_sent_once(
    office: User, reviewer: User, work_calendar: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from waibao.governance.services import duty_assign

    office.email = "office@example.gov.cn"
    office.save(update_fields=["email"])
    duty = Duty.objects.get(citation="SZ-1.8")
    duty_assign(acting_user=office, duty=duty, responsible=reviewer, deadline=datetime.date(2026, 12, 18))
    Duty.objects.exclude(pk=duty.pk).update(deadline=datetime.date(2030, 1, 1))  # only this duty is due
    # 2026-12-15 is 3 working days before 12-18: a reminder to the responsible person and the office.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_duty_reminders(today=datetime.date(2026, 12, 15)) == 1
    assert send_duty_reminders(today=datetime.date(2026, 12, 15)) == 0
    assert Notification.objects.filter(user=reviewer, link=f"/governance/duties/{duty.pk}/").count() == 1
    assert Notification.objects.filter(user=office).count() == 1
    assert len(mail.outbox) == 1 and "SZ-1.8" in mail.outbox[0].subject
    # Stored in every language; each recipient reads its own, and the mail's link is absolute.
    notice = Notification.objects.get(user=office)
    assert notice.texts["zh-hans"] == "职责 SZ-1.8 的时限为 2026-12-18，还剩 3 个工作日。"
    assert notice.texts["en"] == "Duty SZ-1.8 is due on 2026-12-18: 3 working days left."
    assert mail.outbox[0].subject == notice.texts["zh-hans"]  # the office reads Chinese (the default)
    assert mail.outbox[0].body.splitlines()[-1].endswith(f"://testserver/governance/duties/{duty.pk}/") or (
        "://" in mail.outbox[0].body.splitlines()[-1]
    )
    assert send_duty_reminders(today=datetime.date(2026, 12, 16)) == 0  # not a lead day
    assert send_duty_reminders(today=datetime.date(2026, 12, 21)) == 1  # overdue
    assert send_duty_reminders(today=datetime.date(2026, 12, 22)) == 0
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"before-3", "overdue"}
    call_command("governance", "remind", "--today", "2026-12-23")


def test_the_matrix_exports_readable_statuses(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    response = client_for(office).get("/governance/duties/export/?department=trade-industry")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + Duty.objects.filter(department__code="trade-industry").count()
    assert {r[6] for r in rows[1:]} == {str(DutyStatus.OVERDUE.label)}
    page = client_for(office).get("/governance/duties/?status=overdue").content.decode()
    assert "SZ-1.8" in page
    assert client_for(office).get("/governance/duties/?status=bogus").status_code == 200


def test_another_city_loads_its_departments_and_duties(tmp_path: Path, db: None) -> None:
    (tmp_path / "departments.yaml").write_text(
        """
deadline_all: 2027-06-30
citation_prefix: XC
reminder_lead_working_days: [5]
departments:
  - code: commerce
    section: 1
    name_zh: 新城市商务局
    name_en: New City Commerce Bureau
    duties:
      - {number: 1, indicator: statistics_reporting, text_zh: 统计, text_en: Statistics}
      - {number: 2, after_working_days: 20, event: 政策发布, text_zh: 细则, text_en: Rules}
""",
        encoding="utf-8",
    )
    load_governance_dataset(tmp_path)
    first = Duty.objects.get(citation="XC-1.1")
    assert first.indicator == "statistics_reporting" and first.reminder_days == [5]
    assert Duty.objects.get(citation="XC-1.2").after_working_days == 20
    (tmp_path / "departments.yaml").write_text(
        "departments:\n  - {code: x, section: 1, name_zh: x, name_en: x,\n"
        "     duties: [{number: 1, indicator: nope, text_zh: a, text_en: b}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match="unknown indicator"):
        load_governance_dataset(tmp_path)
    (tmp_path / "departments.yaml").write_text(
        "departments:\n  - {code: x, section: 1, name_zh: x, name_en: x,\n"
        "     duties: [{number: 1, text_zh: a, text_en: Build, maintain and run}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match="quote texts"):
        load_governance_dataset(tmp_path)


def test_the_shipped_duties_keep_their_whole_english_text(dataset: Path) -> None:
    text = Duty.objects.get(citation="SZ-1.10").text_en
    assert text.startswith("Build, maintain and run") and text.endswith("recruitment website")


def test_the_statistics_indicator_counts_reports_approved_by_the_cut_off(
    approved_contract: Callable[..., object], ent_user: User
) -> None:
    from tests.factories import EnterpriseFactory
    from waibao.common import public_cache
    from waibao.governance.indicators import statistics_reporting
    from waibao.registry.models import Enterprise
    from waibao.statistics.models import Contract
    from waibao.workdays.calendar import build_calendar

    contract = approved_contract()
    Enterprise.objects.filter(pk=ent_user.enterprise_id).update(status="recognised")
    EnterpriseFactory(status="recognised")  # recognised, never reported
    calendar = build_calendar([], [], [])
    before_cutoff = timezone.make_aware(datetime.datetime(2008, 3, 1, 10))
    Contract.objects.filter(pk=contract.pk).update(reviewed_at=before_cutoff)  # type: ignore[attr-defined]
    value = statistics_reporting(datetime.date(2008, 5, 1), calendar)
    assert (value.numerator, value.denominator, value.period) == (1, 2, "2007")
    after_cutoff = timezone.make_aware(datetime.datetime(2008, 4, 2, 10))
    Contract.objects.filter(pk=contract.pk).update(reviewed_at=after_cutoff)  # type: ignore[attr-defined]
    # The figure is cached until approved statistics change; an approval passes through the rollup, which says
    # so (`public_cache.changed`). This test edits the row directly, so it says so itself.
    assert statistics_reporting(datetime.date(2008, 5, 1), calendar).numerator == 1
    public_cache.changed(public_cache.STATISTICS)
    assert statistics_reporting(datetime.date(2008, 5, 1), calendar).numerator == 0


def test_the_api_reads_duties_and_decisions_for_staff_and_leaders_only(
    office: User, leader: User, enterprise_user: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    body = client_for(leader).get("/api/v1/governance/duties?department=trade-industry").json()
    assert body["count"] == Duty.objects.filter(department__code="trade-industry").count()
    first = body["results"][0]
    assert first["citation"].startswith("SZ-1.") and first["status"] == "overdue" and first["status_label"]
    duty = Duty.objects.get(citation="SZ-1.8")
    assert client_for(office).get(f"/api/v1/governance/duties/{duty.pk}").json()["indicator"] == "statistics_reporting"
    assert client_for(office).get("/api/v1/governance/decisions").json() == {"count": 0, "results": []}
    assert client_for(office).get("/api/v1/governance/duties?status=late").status_code == 400
    assert client_for(enterprise_user).get("/api/v1/governance/duties").status_code == 403
    assert client_for(None).get("/api/v1/governance/duties").status_code in (401, 403)
    assert client_for(office).get("/api/v1/governance/duties/99999").status_code == 404
    assert client_for(office).post("/api/v1/governance/duties").status_code == 405


def test_milestones_are_set_by_the_office_and_reached_by_the_duty_department(
    office: User,
    reviewer: User,
    finance_coordinator: User,
    work_calendar: Path,
    client_for: Callable[[User | None], Client],
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")
    url = f"/governance/duties/{duty.pk}/milestones/"
    assert client_for(reviewer).post(url, {"title": "起草", "due_on": "2026-12-10"}).status_code == 403
    assert client_for(office).post(url, {"title": "起草", "due_on": "2026-12-10"}).status_code == 302
    milestone = duty.milestones.get()
    done = f"/governance/duties/{duty.pk}/milestones/{milestone.pk}/done/"
    assert client_for(finance_coordinator).post(done).status_code == 403
    assert client_for(reviewer).post(done).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    assert client_for(reviewer).post(done).status_code == 400  # once
    assert AuditEvent.objects.filter(action="duty.milestone_done").count() == 1


def test_a_reported_file_is_served_like_evidence_under_the_detected_type(
    office: User,
    reviewer: User,
    leader: User,
    enterprise_user: User,
    work_calendar: Path,
    client_for: Callable[[User | None], Client],
) -> None:
    """A "done" report's file comes back as evidence does (issue 9 §4): the detected type's extension, never
    sniffed, sandboxed, not cached; readable by whoever reads the duty and nobody else; 404 from another duty."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.test_evidence import POLYGLOT

    duty = Duty.objects.get(citation="SZ-1.8")
    other = Duty.objects.get(citation="SZ-1.2")
    response = client_for(reviewer).post(
        f"/governance/duties/{duty.pk}/report/",
        {"kind": "done", "text": "实施办法见附件", "file": SimpleUploadedFile("rules.html", POLYGLOT, "text/html")},
    )
    assert response.status_code == 302
    report = DutyReport.objects.get(duty=duty, kind="done")
    assert report.file_name == "rules.html" and report.content_type == "application/pdf"
    url = f"/governance/duties/{duty.pk}/reports/{report.pk}/file/"
    for reader in (office, reviewer, leader):
        response = client_for(reader).get(url)
        assert response.status_code == 200, reader.username
        assert response.content == POLYGLOT
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        disposition = response["Content-Disposition"]
        assert 'filename="rules.pdf"' in disposition and ".html" not in disposition
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "private, no-store"
    assert client_for(office).get(f"/governance/duties/{other.pk}/reports/{report.pk}/file/").status_code == 404
    assert client_for(enterprise_user).get(url).status_code in (403, 404)
    assert client_for(None).get(url).status_code in (302, 403)


def test_a_reminder_is_mailed_in_the_readers_language_and_a_mail_failure_never_stops_the_run(
    office: User,
    reviewer: User,
    work_calendar: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from waibao.governance.services import duty_assign

    reviewer.email, reviewer.language = "reviewer@example.gov.cn", "en"
    reviewer.save(update_fields=["email", "language"])
    duty = Duty.objects.get(citation="SZ-1.8")
    duty_assign(acting_user=office, duty=duty, responsible=reviewer, deadline=datetime.date(2026, 12, 18))
    Duty.objects.exclude(pk=duty.pk).update(deadline=datetime.date(2030, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_duty_reminders(today=datetime.date(2026, 12, 15)) == 1
    [message] = [m for m in mail.outbox if m.to == ["reviewer@example.gov.cn"]]
    assert message.subject == "Duty SZ-1.8 is due on 2026-12-18: 3 working days left."
    assert message.body.splitlines()[-1].endswith(f"/governance/duties/{duty.pk}/")
    assert "://" in message.body.splitlines()[-1]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("SMTP server gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_duty_reminders(today=datetime.date(2026, 12, 21)) == 1  # overdue: mail fails, logged
    assert Reminder.objects.filter(duty=duty, kind="overdue").exists()
    assert Notification.objects.filter(user=reviewer).count() == 2


def test_the_api_derives_only_the_duty_it_returns(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from waibao.governance import selectors

    duty = Duty.objects.get(citation="SZ-1.8")
    every = client_for(office).get("/api/v1/governance/duties").json()["results"]
    listed = next(r for r in every if r["id"] == duty.pk)
    derived: list[int] = []
    real = selectors.duty_state

    def counting(one: Duty, **kwargs: Any) -> Any:
        derived.append(one.pk)
        return real(one, **kwargs)

    monkeypatch.setattr(selectors, "duty_state", counting)
    assert client_for(office).get(f"/api/v1/governance/duties/{duty.pk}").json() == listed
    assert derived == [duty.pk]


def test_the_duty_list_comes_in_pages_and_the_matrix_counts_every_duty(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    import re

    from waibao.governance.views import DUTY_PAGE_SIZE

    total = Duty.objects.count()
    assert total > DUTY_PAGE_SIZE  # the shipped city has more duties than a page
    client = client_for(office)
    seen: list[str] = []
    page, number = "", 1
    while True:
        page = client.get(f"/governance/duties/?page={number}").content.decode()
        listed = re.findall(r'<a href="/governance/duties/\d+/">([^<]+)</a>', page.split('id="duty-list"')[1])
        assert 0 < len(listed) <= DUTY_PAGE_SIZE
        seen += listed
        if f"page={number + 1}" not in page:
            break
        number += 1
    assert len(seen) == len(set(seen)) == total  # every duty once, over the pages
    assert f'<th class="num">{total}</th></tr></tfoot>' in page  # the matrix's total: all duties, on every page
    # The page links keep the filters: page 2 of the whole list links back to page 1 with the same query.
    second = client.get("/governance/duties/?key_only=&page=2").content.decode()
    assert "?key_only=&amp;page=1" in second
