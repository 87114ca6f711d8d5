"""The duty lists and the cockpit read each duty's derived line from the cache until a service changes a duty; the
duty list's rows, the meetings list's pages and the `lang` mark of text entered in Chinese on English pages."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from waibao.accounts.models import User
from waibao.common import public_cache
from waibao.governance import meetings, services
from waibao.governance.dataset import load_governance_dataset
from waibao.governance.models import Department, Duty, DutyReport, DutySource, DutyStatus, Meeting, MeetingStatus
from waibao.governance.selectors import DUTIES_AREA, DutyFilters, duty_lines, duty_rows
from waibao.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db


def _line_status(citation: str) -> str:
    return next(line.state.status for line in duty_lines() if line.citation == citation)


def _decision(office: User, meeting: Meeting, text: str) -> Duty:
    """A decision of the leadership group at `meeting`: a new duty of the finance bureau."""
    return meetings.decision_record(
        acting_user=office,
        meeting=meeting,
        text=text,
        owner=Department.objects.get(code="finance"),
        deadline=datetime.date(2099, 6, 30),
    )


def test_the_cached_lines_follow_every_service_that_changes_a_duty(
    office: User, reviewer: User, dataset: Path, work_calendar: Path, django_capture_on_commit_callbacks: Any
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")
    assert _line_status("SZ-1.8") == DutyStatus.OVERDUE  # the seed's deadline has passed; the lines are cached now
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.duty_assign(acting_user=office, duty=duty, responsible=None, deadline=datetime.date(2099, 12, 31))
    assert callbacks, "the change is marked again when it commits"
    assert _line_status("SZ-1.8") == DutyStatus.NOT_STARTED
    services.duty_report(acting_user=reviewer, duty=duty, kind="progress", text="起草中")
    assert _line_status("SZ-1.8") == DutyStatus.IN_PROGRESS
    done = services.duty_report(acting_user=reviewer, duty=duty, kind="done", text="完成", rules_title="实施办法")
    assert _line_status("SZ-1.8") == DutyStatus.SUBMITTED
    services.duty_report_decide(acting_user=office, report=done, accept=True)
    assert _line_status("SZ-1.8") == DutyStatus.ACCEPTED
    # A decision of the leadership group is a new duty in the lines.
    meeting = Meeting.objects.create(
        code="2026-9", title="会议", starts_at=timezone.now(), status=MeetingStatus.HELD, created_by=office
    )
    decided = _decision(office, meeting, "制定实施细则")
    assert [line.pk for line in duty_lines(DutyFilters(source=DutySource.DECISION))] == [decided.pk]
    # Loading the data set again puts back what it holds (a name changed outside the services is not seen until).
    Department.objects.filter(code="finance").update(name_zh="改名")
    assert "改名" not in {line.department.name_zh for line in duty_lines()}
    load_governance_dataset(dataset)
    names = set(Department.objects.values_list("name_zh", flat=True))
    assert {line.department.name_zh for line in duty_lines()} == names
    # Every line matches the rows derived from the models (uncached), state for state.
    assert {line.pk: line.state for line in duty_lines()} == {row.duty.pk: row.state for row in duty_rows()}


def test_the_lines_are_read_from_the_cache_and_keyed_by_the_day_and_the_calendar(
    dataset: Path, work_calendar: Path, django_assert_num_queries: Any
) -> None:
    calendar, today = current_calendar(), timezone.localdate()
    first = duty_lines(today=today, calendar=calendar)
    with django_assert_num_queries(0):
        assert duty_lines(today=today, calendar=calendar) == first
    # Another day derives again (a deadline passes at midnight).
    later = duty_lines(today=datetime.date(2099, 1, 1), calendar=calendar)
    assert [line.pk for line in later] == [line.pk for line in first]
    # The version token is the services' to change.
    before = public_cache.versions((DUTIES_AREA,))
    public_cache.changed(DUTIES_AREA)
    assert public_cache.versions((DUTIES_AREA,)) != before


def test_the_duty_list_rows_show_names_deadlines_and_links(
    office: User, reviewer: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    duty = Duty.objects.get(citation="SZ-1.8")
    deadline = current_calendar().add_working_days(timezone.localdate(), 3)  # in a confirmed year
    services.duty_assign(acting_user=office, duty=duty, responsible=reviewer, deadline=deadline)
    page = client_for(office).get("/governance/duties/?department=trade-industry").content.decode()
    row = next(r for r in page.split("<tr>") if ">SZ-1.8<" in r)
    assert f'<a href="{reverse("governance:duty", args=[duty.pk])}">SZ-1.8</a>' in row
    assert (reviewer.full_name or reviewer.username) in row
    assert f'{deadline.isoformat()} <span class="muted">剩余 3 个工作日</span>' in row  # in the reader's language
    assert 'class="badge status-not_started"' in row
    partnered = Duty.objects.filter(partners__isnull=False).select_related("department").first()
    assert partnered is not None
    page = client_for(office).get(f"/governance/duties/?department={partnered.department.code}").content.decode()
    row = next(r for r in page.split("<tr>") if f">{partnered.citation}<" in r)
    assert all(p.name_zh in row for p in partnered.partners.all())


def test_the_meetings_list_comes_in_pages(office: User, client_for: Callable[[User | None], Client]) -> None:
    from waibao.governance.meeting_views import MEETING_PAGE_SIZE

    start = timezone.now() - datetime.timedelta(days=400)
    Meeting.objects.bulk_create(
        Meeting(code=f"M-{n}", title=f"会议 {n}", starts_at=start + datetime.timedelta(days=n), created_by=office)
        for n in range(MEETING_PAGE_SIZE + 2)
    )
    client = client_for(office)
    first = client.get("/governance/meetings/").content.decode()
    assert len(re.findall(r'href="/governance/meetings/\d+/"', first)) == MEETING_PAGE_SIZE
    assert f"M-{MEETING_PAGE_SIZE + 1}<" in first  # newest first
    second = client.get("/governance/meetings/?page=2").content.decode()
    assert len(re.findall(r'href="/governance/meetings/\d+/"', second)) == 2
    assert "M-0<" in second and "page=1" in second


def test_chinese_text_on_english_pages_is_marked_for_screen_readers(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    meeting = Meeting.objects.create(
        code="2026-5",
        title="第五次全体会议",
        location="市民中心",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        created_by=office,
        minutes="会议决定……",
    )
    decided = _decision(office, meeting, "制定实施细则")
    client = client_for(office)
    client.cookies["django_language"] = "en"
    listed = client.get("/governance/meetings/").content.decode()
    assert '<td lang="zh-hans">第五次全体会议</td>' in listed
    detail = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert '<span lang="zh-hans">第五次全体会议</span>' in detail
    assert '<span lang="zh-hans">市民中心</span>' in detail
    assert '<span lang="zh-hans">制定实施细则</span>' in detail
    assert '<div class="minutes" lang="zh-hans">' in detail or "<textarea" in detail  # drafting: the office's form
    cockpit = client.get("/governance/cockpit/").content.decode()
    assert '<span lang="zh-hans">第五次全体会议</span>' in cockpit
    assert '<span lang="zh-hans">制定实施细则</span>' in cockpit
    duties = client.get("/governance/duties/?source=decision").content.decode()
    assert '<td lang="zh-hans">制定实施细则</td>' in duties
    assert '<p lang="zh-hans">制定实施细则</p>' in client.get(f"/governance/duties/{decided.pk}/").content.decode()
    # English text stays unmarked; a Chinese page marks nothing.
    assert '<td lang="zh-hans">' not in client.get("/governance/duties/?source=division").content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert 'lang="zh-hans">第五次' not in client.get("/governance/meetings/").content.decode()
    assert DutyReport.objects.count() == 0


@pytest.mark.parametrize("query", [{}, {"department": "finance", "status": "overdue", "key_only": "on"}])
def test_the_duty_filters_are_written_as_the_form_widgets_write_them(dataset: Path, query: dict[str, str]) -> None:
    from waibao.governance.forms import DutyFilterForm
    from waibao.governance.templatetags.governance_tags import filter_controls

    form = DutyFilterForm(query or None)
    django = "".join(f"<label>{field.label} {field}</label>" for field in form)
    assert re.sub(r"\s+", "", filter_controls(form)) == re.sub(r"\s+", "", django)


def test_the_duties_api_reads_decisions_meetings_without_a_query_each(
    office: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    """Each decided duty names its meeting: read with the duties, not one query per decision."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(office)
    client.get("/api/v1/governance/duties")

    def decide(code: str) -> None:
        meeting = Meeting.objects.create(
            code=code, title=f"会议 {code}", location="市民中心", starts_at=timezone.now(), created_by=office
        )
        _decision(office, meeting, f"决定 {code}")

    decide("2026-1")
    with CaptureQueriesContext(connection) as one:
        body = client.get("/api/v1/governance/duties?source=decision").json()
    assert [row["meeting"] for row in body["results"]] == ["2026-1"]
    for code in ("2026-2", "2026-3", "2026-4"):
        decide(code)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/api/v1/governance/duties?source=decision").json()
    assert sorted(row["meeting"] for row in body["results"]) == ["2026-1", "2026-2", "2026-3", "2026-4"]
    assert len(four) == len(one)
