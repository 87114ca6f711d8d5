"""Pages: new-application form, queues with overdue marks, public notice, routing, notifications, exports, demo."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.applications.conftest import PDF, apply, latest
from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role, User
from waibao.applications.dataset import load_routing_dataset
from waibao.applications.models import Application, ApplicationStatus, Notification, Objection, RuleRouting
from waibao.applications.selectors import notice_list
from waibao.applications.services import application_transition, step_deadlines_refresh
from waibao.audit.models import AuditEvent
from waibao.common.dataset import DatasetError
from waibao.governance.models import Department
from waibao.registry.models import Zone

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def test_new_application_asks_only_the_rules_facts_prefilled(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    enterprise.offshore_focused = True
    enterprise.save()
    client = client_for(enterprise_user)
    choose = client.get("/applications/new/").content.decode()
    assert "HZ-12a" in choose and "HZ-17a" not in choose and "HZ-10" not in choose
    page = client.get("/applications/new/?rule=HZ-9a&year=2008").content.decode()
    assert 'name="fact__registered_capital_cny"' in page and "10000000" in page
    assert 'name="fact__offshore_focused"' in page and "checked" in page
    assert 'name="fact__actual_tax_paid_cny"' in page
    assert 'name="fact__software_export_usd"' not in page
    assert 'name="evidence_certificate"' in page and 'name="commitment"' in page
    # A rule one cannot apply under is not offered.
    assert 'name="fact__' not in client.get("/applications/new/?rule=HZ-17a&year=2008").content.decode()


def test_refusal_shows_the_engines_explanation(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    response = apply(
        client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "1000"}, files={"contract": PDF}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="engine-explanation"' in body and "1000" in body
    assert Application.objects.count() == 0


def test_bad_input_is_a_message_not_a_500(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(enterprise_user)
    for data in ({"fact__software_export_usd": "-5"}, {"fact__software_export_usd": "abc"}, {}):
        response = apply(client, "HZ-12a", 2008, data, files={"contract": PDF})
        assert response.status_code == 200
    assert client.get("/applications/new/?rule=HZ-99&year=2008").status_code == 200
    assert client.get("/applications/new/?rule=HZ-12a&year=1800").status_code == 200
    assert client.post("/applications/999999/action/", {"action": "nonsense"}).status_code in (400, 404)
    assert Application.objects.count() == 0


def test_draft_edit_and_submit_through_pages(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(enterprise_user)
    apply(client, "HZ-12a", 2008, {"fact__software_export_usd": "100"}, files={"contract": PDF}, submit=False)
    application = latest(rule_id="HZ-12a")
    assert application.status == S.DRAFT
    edit = f"/applications/{application.pk}/edit/"
    assert client.get(edit).status_code == 200
    client.post(edit, {"fact__software_export_usd": "700000", "commitment": "on"})
    application.refresh_from_db()
    assert application.facts["facts"] == {"software_export_usd": "700000.00"}
    assert application.commitment_signed_at is not None
    client.post(f"/applications/{application.pk}/action/", {"action": "submit"})
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.calculated_amount_cny == Decimal("200000.00")
    # Once submitted, the facts can no longer be changed.
    assert client.post(edit, {"fact__software_export_usd": "900000"}).status_code == 400
    application.refresh_from_db()
    assert application.facts["facts"] == {"software_export_usd": "700000.00"}


def test_engine_refusal_on_submit_keeps_the_draft(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(enterprise_user)
    apply(client, "HZ-12a", 2008, {"fact__software_export_usd": "5000000"}, files={"contract": PDF}, submit=False)
    application = latest(rule_id="HZ-12a")
    response = client.post(f"/applications/{application.pk}/action/", {"action": "submit"}, follow=True)
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.result == {}
    assert "5000000" in response.content.decode()


def days_ago(application: Application, days: int) -> None:
    """Move the application's current step `days` back in time, as if it had waited that long."""
    shift = datetime.timedelta(days=days)
    application.refresh_from_db()
    assert application.status_changed_at is not None and application.step_due_at is not None
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=application.status_changed_at - shift, step_due_at=application.step_due_at - shift
    )


def test_queue_shows_age_and_overdue(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    reviewer_sti: User,
    office: User,
    client_for: Callable[[User | None], Client],
) -> None:
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    limit = RuleRouting.objects.get(rule_id="HZ-12a").time_limits["submitted"]
    # The deadline is stored with the status change: the routing's limit, counted after the day of the change.
    assert application.step_due_at == application.status_changed_at + datetime.timedelta(days=limit + 1)
    days_ago(application, 9)
    body = client_for(reviewer).get("/applications/queue/").content.decode()
    assert f"/applications/{application.pk}/" in body and 'class="overdue"' in body
    assert f'<td class="num">{limit}</td>' in body  # the step's time limit, read back from the deadline
    assert (
        f"/applications/{application.pk}/" not in client_for(reviewer_sti).get("/applications/queue/").content.decode()
    )
    # The office lengthens the limit: the waiting application's deadline follows, and it is no longer overdue.
    department = RuleRouting.objects.get(rule_id="HZ-12a").department
    response = client_for(office).post(
        "/applications/routing/HZ-12a/",
        {"department": department.pk, "notice_days": "7", "is_open": "on", "limit_submitted": "30"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.step_due_at == application.status_changed_at + datetime.timedelta(days=31)
    assert 'class="overdue"' not in client_for(reviewer).get("/applications/queue/").content.decode()
    export = exported(client_for(reviewer), "/applications/queue/")
    sheet = load_workbook(io.BytesIO(export)).active
    assert sheet is not None and sheet.max_row == 2
    assert client_for(enterprise_user).get("/applications/queue/").status_code == 403


def test_a_status_change_sets_the_next_steps_deadline(
    routing: Any, enterprise_user: User, reviewer: User, client_for: Callable[[User | None], Client]
) -> None:
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    days_ago(application, 9)
    application_transition(acting_user=reviewer, application=application, action="start_review")
    application.refresh_from_db()
    limits = RuleRouting.objects.get(rule_id="HZ-12a").time_limits
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.step_due_at == application.status_changed_at + datetime.timedelta(days=limits["in_review"] + 1)
    assert 'class="overdue"' not in client_for(reviewer).get("/applications/queue/").content.decode()
    # A step without a time limit has no deadline, and is never overdue.
    RuleRouting.objects.filter(rule_id="HZ-12a").update(time_limits={"submitted": 5})
    step_deadlines_refresh(rule_id="HZ-12a")
    application.refresh_from_db()
    assert application.step_due_at is None


def exported(client: Client, url: str) -> bytes:
    """Start the export (a job, run at once in tests) and download the file its page offers."""
    page = client.post(url, follow=True)
    job_url = page.redirect_chain[-1][0]
    assert job_url.startswith("/jobs/") and 'id="job-download"' in page.content.decode()
    response = client.get(job_url + "download/")
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_staff_list_and_export(
    routing: Any, enterprise_user: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    enterprise.name_zh = "=HYPERLINK(1)"
    enterprise.save()
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    client = client_for(office)
    assert client.get("/applications/all/?status=submitted&rule=HZ-12a&year=2008").status_code == 200
    assert client.get("/applications/all/?year=abc&status=nonsense").status_code == 200
    assert client.get("/applications/all/?format=xlsx").status_code == 200  # a GET never starts an export
    export = exported(client, "/applications/all/")
    sheet = load_workbook(io.BytesIO(export)).active
    assert sheet is not None
    values = [c.value for c in sheet[2]]
    assert "'=HYPERLINK(1)" in values and Decimal("200000") in [
        Decimal(str(v)) for v in values if isinstance(v, int | float)
    ]


def test_public_notice_page_and_honeypot(
    routing: Any, enterprise_user: User, reviewer: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    public = client_for(None)
    assert f'id="notice-{application.pk}"' not in public.get("/notice/").content.decode()
    for action in ("start_review",):
        client_for(reviewer).post(f"/applications/{application.pk}/action/", {"action": action})
    client_for(reviewer).post(
        f"/applications/{application.pk}/recommend/", {"amount": "200000", "reason": "核对了出口合同"}
    )
    client_for(office).post(f"/applications/{application.pk}/action/", {"action": "approve"})
    body = public.get("/notice/").content.decode()
    assert f'id="notice-{application.pk}"' in body and "200,000.00" in body
    # A robot fills the hidden field: thanked, but nothing happens.
    post = {
        "application": application.pk,
        "name": "bot",
        "contact": "bot@example.com",
        "text": "spam",
        "website": "http://x",
    }
    assert public.post("/notice/", post).status_code == 302
    assert Objection.objects.count() == 0
    # Nonsense application ids are refused with a message.
    assert public.post("/notice/", {**post, "website": "", "application": "abc"}).status_code == 302
    assert Objection.objects.count() == 0
    # Missing fields: the form says so.
    assert public.post("/notice/", {"application": application.pk, "name": "A"}).status_code == 200
    assert Objection.objects.count() == 0


def test_notifications_page_and_email_on_commit(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    reviewer.email = "reviewer@example.gov.cn"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply(
            client_for(enterprise_user),
            "HZ-12a",
            2008,
            {"fact__software_export_usd": "600000"},
            files={"contract": PDF},
        )
    assert [m.to for m in mail.outbox] == [["reviewer@example.gov.cn"]]
    client = client_for(reviewer)
    page = client.get("/applications/notifications/").content.decode()
    assert "HZ-12a" in page
    assert Notification.objects.filter(user=reviewer, read_at__isnull=True).count() == 1
    client.post("/applications/notifications/")
    assert Notification.objects.filter(user=reviewer, read_at__isnull=True).count() == 0
    # Nobody else's notifications are shown.
    application = latest(rule_id="HZ-12a")
    assert not Notification.objects.filter(user=enterprise_user).exists()
    own_page = client_for(enterprise_user).get("/applications/notifications/").content.decode()
    assert f'href="/applications/{application.pk}/"' not in own_page


def test_zone_staff_see_only_their_zone(routing: Any, client_for: Callable[[User | None], Client]) -> None:
    zones = list(Zone.objects.all()[:2])
    trade = Department.objects.get(code="trade-industry")
    staff = make_user(Role.DEPARTMENT_REVIEWER, username="zs", department=trade, zone=zones[0])
    inside = Application.objects.create(
        enterprise=EnterpriseFactory(zone=zones[0]), rule_id="HZ-12a", year=2008, status=S.SUBMITTED, department=trade
    )
    outside = Application.objects.create(
        enterprise=EnterpriseFactory(zone=zones[1]), rule_id="HZ-12a", year=2008, status=S.SUBMITTED, department=trade
    )
    client = client_for(staff)
    assert client.get(f"/applications/{inside.pk}/").status_code == 200
    assert client.get(f"/applications/{outside.pk}/").status_code == 403


def test_routing_page_and_edit(
    routing: Any, office: User, reviewer: User, client_for: Callable[[User | None], Client]
) -> None:
    assert RuleRouting.objects.get(rule_id="HZ-13a").department.code == "science-technology"
    assert RuleRouting.objects.get(rule_id="HZ-14").department.code == "ip-office"
    training = RuleRouting.objects.get(rule_id="HZ-17b")
    assert training.department.code == "trade-industry"
    assert [p.code for p in training.partners.all()] == ["finance"]
    assert RuleRouting.objects.get(rule_id="HZ-12a").department.code == "trade-industry"
    assert "HZ-13a" in client_for(reviewer).get("/applications/routing/").content.decode()
    assert client_for(reviewer).get("/applications/routing/HZ-12a/").status_code == 403
    client = client_for(office)
    ip = Department.objects.get(code="ip-office")
    response = client.post(
        "/applications/routing/HZ-12a/",
        {"department": ip.pk, "notice_days": "10", "is_open": "on", "limit_submitted": "3"},
    )
    assert response.status_code == 302
    changed = RuleRouting.objects.get(rule_id="HZ-12a")
    assert changed.department == ip and changed.notice_days == 10 and changed.time_limits == {"submitted": 3}
    response = client.post("/applications/routing/HZ-12a/", {"department": ip.pk, "notice_days": "0"})
    assert response.status_code == 200
    assert client.get("/applications/routing/HZ-99/").status_code == 404


def test_routing_loader_refuses_bad_data(dataset: Path, tmp_path: Path) -> None:
    (tmp_path / "routing.yaml").write_text("rules:\n  - {rule: HZ-12a, department: nowhere}\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown department"):
        load_routing_dataset(tmp_path)
    (tmp_path / "routing.yaml").write_text("defaults: {time_limits: {sleeping: 3}}\nrules: []\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown status"):
        load_routing_dataset(tmp_path)
    (tmp_path / "routing.yaml").unlink()
    assert load_routing_dataset(tmp_path) == {"routing": 0}


def test_demo_command_is_idempotent(routing: Any) -> None:
    from waibao.accounts.demo import ensure_demo_accounts

    EnterpriseFactory(status="recognised", name_en="Demo Co")
    ensure_demo_accounts()
    call_command("applications", "demo", stdout=io.StringIO())
    count = Application.objects.count()
    assert count >= 5
    call_command("applications", "demo", stdout=io.StringIO())
    assert Application.objects.count() == count
    assert set(Application.objects.values_list("status", flat=True)) >= {S.DRAFT, S.SUBMITTED, S.IN_NOTICE}


def test_detail_explains_the_amount_in_the_readers_language(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    from django.conf import settings

    client = client_for(enterprise_user)
    apply(client, "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'id="engine-result"' in english and "600000" in english and ": met" in english
    # Parameters by their titles, amounts as money (not "hz12a_reward_cny = 200000").
    assert "hz12a_reward_cny" not in english and "Software export reward" in english and "200,000.00 CNY" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(f"/applications/{application.pk}/").content.decode()
    assert ": met" not in chinese.split('id="engine-result"')[1].split("</div>")[0]


def test_office_sends_a_recommendation_back(
    routing: Any, enterprise_user: User, reviewer: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    desk = client_for(reviewer)
    desk.post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    desk.post(f"/applications/{application.pk}/recommend/", {"amount": "200000", "reason": "核对了出口合同"})
    office_client = client_for(office)
    office_client.post(f"/applications/{application.pk}/action/", {"action": "send_back", "reason": ""})
    application.refresh_from_db()
    assert application.status == S.RECOMMENDED
    office_client.post(f"/applications/{application.pk}/action/", {"action": "send_back", "reason": "Check customs"})
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.recommended_amount_cny is None
    assert Notification.objects.filter(user=reviewer, application=application, text__contains="Check customs").exists()


def test_end_notice_is_a_demo_only_tool_that_does_not_rewrite_history(
    routing: Any, settings: Any, client_for: Callable[[User | None], Client]
) -> None:
    """Issue 8 §7: on main `end_notice` back-dated the notice ("公示 2026-11-25 – 2026-12-01" for an application
    approved on 12-02). The published dates now stay; the record says the demo ended the notice early."""
    from django.core.management.base import CommandError

    from waibao.accounts.demo import ensure_demo_accounts

    EnterpriseFactory(status="recognised", name_en="Demo Co")
    ensure_demo_accounts()
    call_command("applications", "demo", stdout=io.StringIO())
    office = User.objects.get(username="office")
    today = timezone.localdate()
    # The demo's application ready for final approval was approved today and keeps today's dates.
    ready = Application.objects.get(status=S.IN_NOTICE, notice_ended_early_on__isnull=False)
    assert ready.notice_starts_on == today and ready.notice_ends_on is not None and ready.notice_ends_on >= today
    in_notice = Application.objects.filter(status=S.IN_NOTICE, notice_ended_early_on__isnull=True).first()
    assert in_notice is not None
    published = (in_notice.notice_starts_on, in_notice.notice_ends_on)
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("applications", "end_notice", "--id", str(in_notice.pk), stdout=io.StringIO())
    settings.DEBUG = True
    call_command("applications", "end_notice", "--id", str(in_notice.pk), stdout=io.StringIO())
    in_notice.refresh_from_db()
    assert (in_notice.notice_starts_on, in_notice.notice_ends_on) == published, "history is not rewritten"
    assert in_notice.notice_ended_early_on == today
    assert any(word in in_notice.notice_ended_early_reason for word in ("Demo", "演示"))
    event = AuditEvent.objects.get(action="application.notice_ended_early", object_id=str(in_notice.pk))
    assert event.data["notice_ends_on"] == str(published[1])
    page = client_for(office).get(f"/applications/{in_notice.pk}/").content.decode()
    assert in_notice.notice_ended_early_reason in page
    assert in_notice not in notice_list()
    with pytest.raises(CommandError):
        call_command("applications", "end_notice", "--id", str(in_notice.pk), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("applications", "end_notice", "--id", "999999", stdout=io.StringIO())
    application_transition(acting_user=office, application=in_notice, action="final_approve")
    in_notice.refresh_from_db()
    assert in_notice.status == S.COMMITTED


def test_software_exports_prefilled_from_approved_statistics(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[int, int]] = []

    def approved(*, enterprise_id: int, year: int) -> Decimal:
        asked.append((enterprise_id, year))
        return Decimal("734500.00")

    monkeypatch.setattr("waibao.statistics.selectors.software_export_usd", approved)
    page = client_for(enterprise_user).get("/applications/new/?rule=HZ-12a&year=2009").content.decode()
    assert asked == [(enterprise_user.enterprise_id, 2009)]
    assert 'value="734500.00"' in page
    # No approved statistics (zero): the applicant declares the figure.
    monkeypatch.setattr("waibao.statistics.selectors.software_export_usd", lambda **kw: Decimal("0"))
    page = client_for(enterprise_user).get("/applications/new/?rule=HZ-12a&year=2009").content.decode()
    assert 'value="0' not in page.split('name="fact__software_export_usd"')[1].split(">")[0]


def test_objection_over_http_needs_the_code_and_the_office(
    routing: Any, enterprise_user: User, reviewer: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    from tests.applications.conftest import object_over_http

    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    client_for(reviewer).post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    client_for(reviewer).post(
        f"/applications/{application.pk}/recommend/", {"amount": "200000", "reason": "核对了出口合同"}
    )
    client_for(office).post(f"/applications/{application.pk}/action/", {"action": "approve"})
    public = client_for(None)
    # A phone number is no longer a contact: the code goes by e-mail.
    response = public.post(
        "/notice/", {"application": application.pk, "name": "A", "contact": "13800000000", "text": "x"}
    )
    assert response.status_code == 200 and "contact" in response.context["form"].errors
    # A forged ticket confirms nothing.
    assert public.post("/notice/confirm/", {"ticket": "1:forged", "code": "123456"}).status_code == 302
    assert object_over_http(public, application).status_code == 302
    objection = Objection.objects.get()
    assert objection.status == "awaiting_triage"
    detail = client_for(office).get(f"/applications/{application.pk}/").content.decode()
    assert 'value="admit"' in detail and 'value="dismiss"' not in detail
    client_for(office).post(
        f"/applications/{application.pk}/resolve/",
        {"objection": objection.pk, "decision": "not_admitted", "resolution": "Not about this application"},
    )
    objection.refresh_from_db()
    application.refresh_from_db()
    assert objection.status == "not_admitted" and application.status == "in_notice"


def test_queue_rows_written_at_once(
    routing: Any, enterprise_user: User, reviewer: User, client_for: Callable[[User | None], Client]
) -> None:
    """A queue row, written in Python: the application linked to its page, rule, year, applicant, the status's
    label in the active language, department, age with the overdue mark, the amount to the fen."""
    from waibao.applications.models import ApplicationStatus

    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    days_ago(application, 9)
    application.refresh_from_db()
    body = client_for(reviewer).get("/applications/queue/").content.decode()
    with translation.override("zh-hans"):
        status = str(ApplicationStatus(application.status).label)
    assert f'<tr class="overdue">\n  <td><a href="/applications/{application.pk}/">{application.pk}</a></td>' in body
    assert f"<td>HZ-12a</td><td>2008</td><td>{application.enterprise.name_zh}</td>" in body
    assert f'<span class="badge {application.status}">{status}</span>' in body
    assert f"<td>{application.department.name_zh}</td>" in body
    assert '<td class="num">9 <span class="badge rejected">' in body
    assert f'<td class="num">{application.calculated_amount_cny:,.2f}</td>' in body
    english = client_for(reviewer).get("/applications/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        english_status = str(ApplicationStatus(application.status).label)
    with translation.override("zh-hans"):
        chinese_status = str(ApplicationStatus(application.status).label)
    assert english_status != chinese_status
    assert f'<span class="badge {application.status}">{english_status}</span>' in english


def test_my_applications_rows_written_at_once(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    """An applicant's list, written in Python: the application linked to its page, rule, year, the status's label,
    the amount to the fen and what happens now; without applications it says so."""
    from waibao.applications.models import ApplicationStatus

    client = client_for(enterprise_user)
    assert '<td colspan="7" class="muted">' in client.get("/applications/").content.decode()
    apply(client, "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    body = client.get("/applications/").content.decode()
    with translation.override("zh-hans"):
        status = str(ApplicationStatus(application.status).label)
    assert f'<td><a href="/applications/{application.pk}/">{application.pk}</a></td>' in body
    assert "<td>HZ-12a</td><td>2008</td>" in body
    assert f'<span class="badge {application.status}">{status}</span>' in body
    assert f'<td class="num">{application.calculated_amount_cny:,.2f}</td>' in body
    assert '<td colspan="7" class="muted">' not in body


def test_office_queue_lists_objections_waiting_for_triage(
    routing: Any, enterprise_user: User, reviewer: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    from tests.applications.conftest import lodge_confirmed

    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    client_for(reviewer).post(f"/applications/{application.pk}/action/", {"action": "start_review"})
    client_for(reviewer).post(
        f"/applications/{application.pk}/recommend/", {"amount": "200000", "reason": "核对了出口合同"}
    )
    client_for(office).post(f"/applications/{application.pk}/action/", {"action": "approve"})
    application.refresh_from_db()
    assert 'id="triage"' not in client_for(office).get("/applications/queue/").content.decode()
    lodge_confirmed(application)
    body = client_for(office).get("/applications/queue/").content.decode()
    assert 'id="triage"' in body and f"/applications/{application.pk}/#objections" in body
    assert 'id="triage"' not in client_for(reviewer).get("/applications/queue/").content.decode()


def test_notifications_are_written_in_each_recipients_language_with_an_absolute_link(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.WAIBAO_SITE_URL = "https://waibao.example.gov.cn/"
    english = make_user(Role.DEPARTMENT_REVIEWER, username="reviewer-en", department=reviewer.department)
    english.language, english.email = "en", "en@example.gov.cn"
    english.save()
    reviewer.email = "zh@example.gov.cn"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply(
            client_for(enterprise_user),
            "HZ-12a",
            2008,
            {"fact__software_export_usd": "600000"},
            files={"contract": PDF},
        )
    application = latest(rule_id="HZ-12a")
    assert Notification.objects.get(user=english).text.startswith("Waiting for your review: HZ-12a")
    assert Notification.objects.get(user=reviewer).text.startswith("待您审核：HZ-12a")
    mails = {m.to[0]: m for m in mail.outbox}
    assert mails["en@example.gov.cn"].subject.startswith("Waiting for your review")
    assert mails["zh@example.gov.cn"].subject.startswith("待您审核")
    link = f"https://waibao.example.gov.cn/applications/{application.pk}/"
    assert all(link in m.body for m in mail.outbox)


def test_my_applications_in_pages_counted_only_when_longer_than_one(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    """An applicant's list comes in pages of fifty, newest first. A list that fits on its first page is read
    without counting it (its rows are the count); a longer one is counted and its second page shows the rest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enterprise = enterprise_user.enterprise
    department = Department.objects.get(code="trade-industry")

    def add(n: int, start: int) -> None:
        Application.objects.bulk_create(
            Application(
                enterprise=enterprise,
                rule_id="HZ-15",
                year=2000 + k % 9,
                item_key=f"item-{k}",
                status=S.DRAFT,
                department=department,
                fund_code="special_fund",
                basis="fixed",
                calculated_amount_cny=Decimal("1000.00"),
            )
            for k in range(start, start + n)
        )

    def shown(body: str) -> list[int]:
        rows = body.split('id="my-applications"')[1].split("</tbody>")[0]
        return [int(cell.split('/">')[1].split("<")[0]) for cell in rows.split('<td><a href="/applications/')[1:]]

    client = client_for(enterprise_user)
    add(50, 0)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/applications/").content.decode()
    assert not [
        q for q in queries.captured_queries if "COUNT(*)" in q["sql"] and "applications_application" in q["sql"]
    ]
    newest_first = list(
        Application.objects.filter(enterprise=enterprise).order_by("-created_at", "-pk").values_list("pk", flat=True)
    )
    assert shown(body) == newest_first and 'class="pagination"' not in body

    add(2, 50)
    newest_first = list(
        Application.objects.filter(enterprise=enterprise).order_by("-created_at", "-pk").values_list("pk", flat=True)
    )
    first = client.get("/applications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert shown(first) == newest_first[:50] and "Page 1 of 2" in first
    second = client.get("/applications/?page=2", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert shown(second) == newest_first[50:] and "Page 2 of 2" in second
    assert shown(client.get("/applications/?page=9").content.decode()) == newest_first[50:]  # past the end: the last
    assert shown(client.get("/applications/?page=x").content.decode()) == newest_first[:50]  # not a number: the first
