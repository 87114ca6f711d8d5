"""The cockpit: its settled figures from one cache entry that every service changing them invalidates, the next
meeting following the meeting services, the live figures read on each visit, and its fragments."""

from __future__ import annotations

import datetime
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import Truncator

from tests.ledger.conftest import funds, make_application  # noqa: F401
from waibao.accounts.models import User
from waibao.governance import meetings
from waibao.governance.cockpit import cockpit
from waibao.governance.models import Department, MeetingStatus
from waibao.governance.templatetags.governance_tags import _truncated

pytestmark = pytest.mark.django_db


def _next() -> Any:
    return cockpit().meetings.next_meeting


def test_the_next_meeting_follows_the_meeting_services(
    office: User, work_calendar: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """The scheduled meetings are kept with the cockpit's settled figures: scheduling one, holding it or cancelling
    it marks them changed (on commit too), so the cockpit never shows a meeting that is no longer next."""
    assert _next() is None  # the cockpit's figures are cached now
    soon = timezone.now() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = meetings.meeting_schedule(acting_user=office, code="2026-8", title="第八次会议", starts_at=soon)
    assert callbacks, "the change is marked again when it commits"
    later = meetings.meeting_schedule(
        acting_user=office, code="2026-9", title="第九次会议", starts_at=soon + datetime.timedelta(days=30)
    )
    shown = _next()
    assert (shown.pk, shown.title, shown.starts_at) == (first.pk, "第八次会议", first.starts_at)
    meetings.meeting_transition(acting_user=office, meeting=first, name="cancel", reason="改期")
    assert _next().pk == later.pk
    # A scheduled meeting whose start has passed is not the next one, whatever the cache holds.
    first.refresh_from_db()
    assert first.status == MeetingStatus.CANCELLED
    past = meetings.meeting_schedule(
        acting_user=office, code="2026-7", title="第七次会议", starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert _next().pk == later.pk and past.status == MeetingStatus.SCHEDULED


@pytest.mark.usefixtures("funds")
def test_a_visit_reads_the_settled_figures_from_one_cache_entry(office: User, work_calendar: Path) -> None:
    """Once cached, a visit queries only what no service marks changed (the calendar's stamp, the fund, the
    applications in each stage, the training subsidies); a decision of the group shows at once."""
    first = cockpit()
    assert first.fund is not None and first.fund.sources
    with CaptureQueriesContext(connection) as again:
        second = cockpit()
    assert len(again) == 5, [q["sql"][:80] for q in again.captured_queries]
    assert second.duty_totals == first.duty_totals and second.goal == first.goal
    assert [v for _i, v in second.indicators] == [v for _i, v in first.indicators]
    held = meetings.meeting_schedule(
        acting_user=office, code="2026-6", title="会议", starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    meetings.meeting_transition(acting_user=office, meeting=held, name="hold")
    meetings.decision_record(
        acting_user=office,
        meeting=held,
        text="制定实施细则",
        owner=Department.objects.get(code="finance"),
        deadline=datetime.date(2099, 6, 30),
    )
    assert [d.text for d in cockpit().meetings.open_decisions] == ["制定实施细则"]


@pytest.mark.parametrize(
    "text",
    ["短", "制定服务外包产业发展专项资金管理办法实施细则并报领导小组审议后印发执行", "a" * 40, "a" * 41,
     "e\u0301" * 30, "e\u0301" * 41, "\u0344" * 39],
)  # fmt: skip
def test_the_decisions_are_cut_as_truncatechars_cuts_them(text: str) -> None:
    assert _truncated(text, 40) == Truncator(text).chars(40)
    assert unicodedata.is_normalized("NFC", _truncated(text, 40))


def test_the_stages_count_the_open_applications_with_the_age_of_the_oldest(
    make_application: Any,  # noqa: F811
) -> None:
    """Per open stage, in the workflow's order: how many applications, and the whole days since the oldest entered
    it (read as plain SQL: the moments come back aware on either database); closed ones are not counted."""
    from waibao.applications.models import Application, ApplicationStatus
    from waibao.governance.cockpit import application_stages

    now = timezone.now()

    def entered(status: str, days: float | None) -> None:
        application = make_application()
        changed = None if days is None else now - datetime.timedelta(days=days)
        Application.objects.filter(pk=application.pk).update(status=status, status_changed_at=changed)

    entered(ApplicationStatus.COMMITTED, 5.5)
    entered(ApplicationStatus.COMMITTED, 2)
    entered(ApplicationStatus.IN_REVIEW, 9.2)
    entered(ApplicationStatus.IN_REVIEW, None)  # no moment recorded: counted, not aged
    entered(ApplicationStatus.ON_HOLD, None)
    entered(ApplicationStatus.PAID, 30)  # closed
    entered(ApplicationStatus.DRAFT, 40)  # not submitted
    stages = application_stages(now)
    assert [row.status for row in stages] == [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.RETURNED,
        ApplicationStatus.RECOMMENDED,
        ApplicationStatus.IN_NOTICE,
        ApplicationStatus.ON_HOLD,
        ApplicationStatus.COMMITTED,
    ]
    found = {row.status: (row.count, row.oldest_days) for row in stages}
    assert found[ApplicationStatus.COMMITTED] == (2, 5)
    assert found[ApplicationStatus.IN_REVIEW] == (2, 9)
    assert found[ApplicationStatus.ON_HOLD] == (1, None)
    assert found[ApplicationStatus.SUBMITTED] == (0, None)
    assert next(row.label for row in stages if row.status == ApplicationStatus.ON_HOLD) == str(
        ApplicationStatus.ON_HOLD.label
    )


def test_moments_read_as_plain_sql_are_aware_as_the_orm_reads_them() -> None:
    from waibao.common.plain_sql import moment_from_db

    at = timezone.make_aware(datetime.datetime(2009, 3, 2, 10, 30, 15, 123456))  # Asia/Shanghai
    assert moment_from_db(None) is None
    assert moment_from_db(at) == at  # PostgreSQL: aware already
    assert moment_from_db(datetime.datetime(2009, 3, 2, 2, 30, 15, 123456)) == at  # SQLite, a column: naive UTC
    assert moment_from_db("2009-03-02 02:30:15.123456") == at  # SQLite, an aggregate: text, UTC
    assert moment_from_db("2009-03-02 02:30:15") == at.replace(microsecond=0)
    with pytest.raises(ValueError, match="not a moment"):
        moment_from_db("yesterday")
