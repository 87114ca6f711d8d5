"""Through HTTP as people drive it: run → review → notice → objection → final list → award paid; the access
matrix (every role × object kind); the Excel export; the API."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.applications.conftest import object_over_http
from tests.factories import make_user
from tests.topten.conftest import YEAR
from waibao.accounts.models import Role, User
from waibao.applications.models import ApplicationStatus, ObjectionStatus
from waibao.common.request_keys import issue_request_key
from waibao.ledger.models import Commitment
from waibao.topten.models import AnnualReport, AnnualReportCall, RunStatus, SelectionMethod, SelectionRun

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def leader(dataset) -> User:
    return make_user(Role.CITY_LEADER, username="leader")


def _later(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    target = timezone.localdate() + datetime.timedelta(days=days)
    monkeypatch.setattr("waibao.applications.services.today", lambda: target)


def test_run_notice_objection_final_list_and_award_paid(
    city, office, finance, leader, client_for: Callable[[User | None], Client], monkeypatch
) -> None:
    enterprises = city(12)
    method = SelectionMethod.objects.get(code="hz24-default-2007")
    method.document = {**method.document, "award_cny": "50000"}
    method.save()
    as_office, as_finance, as_public, as_leader = (
        client_for(office),
        client_for(finance),
        client_for(None),
        client_for(leader),
    )

    # The office makes a run; the page shows the method labelled as the default, the ranking and rank ranges.
    response = as_office.post("/topten/runs/", {"year": YEAR})
    assert response.status_code == 302
    run = SelectionRun.objects.get()
    page = as_office.get(f"/topten/runs/{run.pk}/").content.decode()
    assert 'id="default-method"' in page and 'id="ranking"' in page
    assert enterprises[0].name_zh in page
    # A leader reads it but cannot act.
    assert as_leader.get(f"/topten/runs/{run.pk}/").status_code == 200
    assert as_leader.post(f"/topten/runs/{run.pk}/action/", {"action": "notice"}).status_code == 403

    # Review: exclude the first with a reason (an empty reason is refused, nothing written).
    as_office.post(
        f"/topten/runs/{run.pk}/action/",
        {"action": "decide", "enterprise": enterprises[0].pk, "kind": "exclude", "reason": ""},
    )
    assert run.decisions.count() == 0
    as_office.post(
        f"/topten/runs/{run.pk}/action/",
        {"action": "decide", "enterprise": enterprises[0].pk, "kind": "exclude", "reason": "Tax arrears found"},
    )
    assert run.decisions.count() == 1

    # Public notice: one HZ-24 application per place, on the public notice page.
    as_office.post(f"/topten/runs/{run.pk}/action/", {"action": "notice"})
    run.refresh_from_db()
    assert run.status == RunStatus.IN_NOTICE
    places = list(run.list_entries.select_related("application").order_by("position"))
    assert [p.enterprise_id for p in places] == [e.pk for e in enterprises[1:11]]
    notice = as_public.get("/notice/").content.decode()
    missing = [p.application.pk for p in places if f'id="notice-{p.application.pk}"' not in notice]
    assert not missing, notice[-3000:]
    assert as_public.get(f"/topten/{run.pk}/").status_code == 404  # not published yet

    # Someone objects to place 2; the office admits the objection (held), then upholds it (the place is rejected).
    target = places[1].application
    assert object_over_http(as_public, target).status_code == 302
    objection = target.objections.get()
    as_office.post(f"/applications/{target.pk}/resolve/", {"objection": objection.pk, "decision": "admit"})
    target.refresh_from_db()
    assert target.status == S.ON_HOLD
    as_office.post(f"/topten/runs/{run.pk}/action/", {"action": "publish"})
    run.refresh_from_db()
    assert run.status == RunStatus.IN_NOTICE  # refused while an objection is open
    as_office.post(
        f"/applications/{target.pk}/resolve/",
        {"objection": objection.pk, "decision": "uphold_reject", "resolution": "The tax figure was wrong"},
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD

    # After the notice period the office publishes the final list: the awards are committed on the ledger.
    _later(monkeypatch, 8)
    as_office.post(f"/topten/runs/{run.pk}/action/", {"action": "publish"})
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert Commitment.objects.filter(rule_id="HZ-24").count() == 9
    # The office follows each place to its application; the leader reads its status, unlinked (refused there).
    awarded = next(place for place in places if place.application)
    linked = f'href="/applications/{awarded.application.pk}/"'
    assert linked in as_office.get(f"/topten/runs/{run.pk}/").content.decode()
    as_leader_page = as_leader.get(f"/topten/runs/{run.pk}/").content.decode()
    assert linked not in as_leader_page and awarded.name_zh in as_leader_page

    # The public page: scores per criterion, weights, sources, the exclusion's reason; not the rejected place.
    page = as_public.get(f"/topten/{run.pk}/").content.decode()
    assert 'id="final-list"' in page and 'id="weights"' in page
    assert places[0].name_zh in page and "Tax arrears found" in page
    assert places[2].name_zh in page
    final = [p for p in run.list_entries.all() if p.on_final_list]
    assert len(final) == 9 and places[1].enterprise_id not in [p.enterprise_id for p in final]
    assert as_public.get("/topten/").content.decode().count(f"/topten/{run.pk}/") == 1

    # Finance pays one award from the ledger; the application's status follows the money.
    paid = places[0].application
    as_finance.post(
        f"/applications/{paid.pk}/pay/",
        {"amount": "50000.00", "idempotency_key": issue_request_key(finance), "voucher_number": "V-24",
         "paid_on": "2009-01-10", "payee_account": "6222020200112233445", "bank_reference": "B-24"},
    )  # fmt: skip
    paid.refresh_from_db()
    assert paid.status == S.PAID
    assert Commitment.objects.get(application=paid).paid == Decimal("50000.00")

    # The API shows the same list.
    body = as_public.get(f"/api/v1/topten/lists/{run.pk}").json()
    assert len(body["places"]) == 9 and body["method"]["default"] is True
    assert set(body["places"][0]["scores"]) == {
        "operating_scale",
        "technological_innovation",
        "market_development",
        "taxes",
    }


def test_excel_export_of_a_run(city, office, client_for) -> None:
    city(4)
    as_office = client_for(office)
    as_office.post("/topten/runs/", {"year": YEAR})
    run = SelectionRun.objects.get()
    response = as_office.get(f"/topten/runs/{run.pk}/export/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 4 and rows[1][0] == 1
    assert len(book.worksheets) == 3


def test_access_matrix(city, office, reviewer, finance, leader, enterprise_user, other_enterprise_user, training_user,
                       client_for, monkeypatch) -> None:  # fmt: skip
    city(10)
    as_office = client_for(office)
    as_office.post("/topten/runs/", {"year": YEAR})
    run = SelectionRun.objects.get()
    report = AnnualReport.objects.create(enterprise=enterprise_user.enterprise, year=YEAR, taxes_paid_cny=1,
                                         rd_expense_cny=1, patents=1, graduate_employees=1)  # fmt: skip
    users = {
        "anonymous": None,
        "office": office,
        "reviewer": reviewer,
        "finance": finance,
        "leader": leader,
        "enterprise": enterprise_user,
        "other_enterprise": other_enterprise_user,
        "training": training_user,
    }
    # role → (run page, run export, run list, own report, report list, violations, API runs)
    expected = {
        "anonymous": (302, 403, 302, 302, 302, 302, 401),  # the API asks an anonymous caller to sign in
        "office": (200, 200, 200, 200, 200, 200, 200),
        "reviewer": (403, 403, 403, 403, 200, 403, 403),  # no zone: no report in scope
        "finance": (403, 403, 403, 403, 403, 403, 403),
        "leader": (200, 200, 200, 200, 200, 403, 200),
        "enterprise": (403, 403, 403, 200, 200, 403, 403),
        "other_enterprise": (403, 403, 403, 403, 200, 403, 403),
        "training": (403, 403, 403, 403, 403, 403, 403),
    }
    run_url, report_url = f"/topten/runs/{run.pk}/", f"/topten/reports/{report.pk}/"
    urls = [run_url, f"{run_url}export/", "/topten/runs/", report_url, "/topten/reports/", "/topten/violations/",
            "/api/v1/topten/runs"]  # fmt: skip
    for name, user in users.items():
        client = client_for(user)
        got = tuple(client.get(url).status_code for url in urls)
        assert got == expected[name], (name, got)
        # Only the office acts on a run.
        status = client.post(f"/topten/runs/{run.pk}/action/", {"action": "notice"}).status_code
        assert status == (302 if name == "office" else 403), (name, status)
    run.refresh_from_db()
    assert run.status == RunStatus.IN_NOTICE
    # The public sees a run only once its final list is published.
    for name, user in users.items():
        assert client_for(user).get(f"/topten/{run.pk}/").status_code == 404, name
        assert client_for(user).get(f"/api/v1/topten/lists/{run.pk}").status_code == 404, name
    _later(monkeypatch, 8)
    as_office.post(f"/topten/runs/{run.pk}/action/", {"action": "publish"})
    for name, user in users.items():
        assert client_for(user).get(f"/topten/{run.pk}/").status_code == 200, name
    # An enterprise sees its own reports only, through the pages and the API.
    mine = client_for(enterprise_user).get("/api/v1/topten/reports").json()
    assert [r["id"] for r in mine["results"]] == [report.pk]
    assert client_for(other_enterprise_user).get("/api/v1/topten/reports").json()["count"] == 0


def test_enterprise_files_and_office_reviews_an_annual_report_over_http(
    full_dataset, enterprise_user, office, client_for
) -> None:
    as_enterprise, as_office = client_for(enterprise_user), client_for(office)
    bad = as_enterprise.post("/topten/reports/new/", {"year": YEAR, "taxes_paid_cny": "1.234", "rd_expense_cny": "0",
                                                      "patents": "1", "graduate_employees": "2"})  # fmt: skip
    assert bad.status_code == 200 and AnnualReport.objects.count() == 0
    good = {
        "year": YEAR,
        "taxes_paid_cny": "1,000,000",
        "rd_expense_cny": "5000",
        "patents": "1",
        "graduate_employees": "2",
    }
    response = as_enterprise.post("/topten/reports/new/", good)
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and report.taxes_paid_cny == Decimal("1000000")
    as_enterprise.post(f"/topten/reports/{report.pk}/action/", {"action": "submit"})
    as_office.post(f"/topten/reports/{report.pk}/action/", {"action": "return", "reason": ""})
    report.refresh_from_db()
    assert report.status == "submitted"
    as_office.post(f"/topten/reports/{report.pk}/action/", {"action": "approve"})
    report.refresh_from_db()
    assert report.status == "approved"
    # The due date in working days from today, counted on the shipped calendar (a day whose 20 working days stay
    # inside its confirmed years, whatever today is)...
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 3, 2)):
        assert as_office.post("/topten/reports/call/", {"year": YEAR, "working_days": "20"}).status_code == 302
    assert AnnualReportCall.objects.get(year=YEAR).due_on == datetime.date(2026, 3, 30)
    # ...and one that reaches a year not loaded yet is refused on the page, saying which year (never an error page).
    last = max(int(path.stem) for path in (Path(settings.WAIBAO_DEFAULT_DATASET) / "calendar").glob("*.yaml"))
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(last, 12, 20)):
        response = as_office.post("/topten/reports/call/", {"year": YEAR, "working_days": "20"}, follow=True)
    assert response.status_code == 200 and str(last + 1) in response.content.decode()
    assert AnnualReportCall.objects.get(year=YEAR).due_on == datetime.date(2026, 3, 30)
