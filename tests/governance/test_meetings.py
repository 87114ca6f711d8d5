"""The leadership group: a meeting from agenda to published minutes; decisions become tracked duties; cockpit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from waibao.accounts.models import User
from waibao.audit.models import AuditEvent
from waibao.governance.dataset import load_group_dataset
from waibao.governance.models import Duty, DutySource, GroupMember, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(dataset: Path) -> list[GroupMember]:
    load_group_dataset(dataset)
    return list(GroupMember.objects.all())


def test_the_group_is_loaded_from_hz25_and_a_replaced_member_keeps_history(
    office: User, group: list[GroupMember], client_for: Callable[[User | None], Client]
) -> None:
    assert len(group) == 15
    assert sum(1 for m in group if m.group_role == "member") == 11
    leader_seat = next(m for m in group if m.group_role == "leader")
    response = client_for(office).post(
        f"/governance/group/{leader_seat.pk}/replace/", {"person": "新组长", "title": "副市长", "on": "2026-06-01"}
    )
    assert response.status_code == 302
    leader_seat.refresh_from_db()
    assert leader_seat.valid_to == datetime.date(2026, 5, 31)
    page = client_for(office).get("/governance/group/").content.decode()
    assert "新组长" in page and "2026-05-31" in page
    assert AuditEvent.objects.filter(action="group.member_replaced").exists()


def test_a_meeting_from_agenda_to_published_minutes(
    office: User,
    reviewer: User,
    leader: User,
    group: list[GroupMember],
    work_calendar: Path,
    client_for: Callable[[User | None], Client],
) -> None:
    c = client_for(office)
    starts = timezone.localtime() - datetime.timedelta(hours=2)
    response = c.post(
        "/governance/meetings/",
        {
            "code": "2026-4",
            "title": "第四次全体会议",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration": "120",
            "location": "市政府1号会议室",
        },
    )
    assert response.status_code == 302, response.content.decode()[:300]
    meeting = Meeting.objects.get(code="2026-4")
    assert meeting.attendance.count() == 15
    url = f"/governance/meetings/{meeting.pk}/action/"
    duty = Duty.objects.get(citation="SZ-1.8")
    c.post(
        url,
        {"do": "agenda", "title": "统计工作进展", "minutes": "20", "duty": str(duty.pk), "link": "/statistics/goal/"},
    )
    c.post(url, {"do": "agenda", "title": "bad link", "minutes": "20", "link": "https://example.com/"})
    assert [i.title for i in meeting.agenda.all()] == ["统计工作进展"]
    # The item links the statistics page for the staff; the leader, whom that page refuses, reads it unlinked.
    assert 'href="/statistics/goal/"' in c.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    as_leader = client_for(leader).get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "统计工作进展" in as_leader and 'href="/statistics/goal/"' not in as_leader
    c.post(url, {"do": "agenda", "title": "专项资金使用情况", "minutes": "10", "link": "/ledger/"})
    as_reviewer = client_for(reviewer).get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert 'href="/statistics/goal/"' in as_reviewer and 'href="/ledger/"' not in as_reviewer  # refused the fund
    assert 'href="/ledger/"' in c.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    ics = c.get(f"/governance/meetings/{meeting.pk}/invitation.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert (
        "BEGIN:VEVENT" in body and "DTSTART:" in body and all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    )
    # Minutes cannot be circulated before they are drafted; the reviewer cannot take office steps.
    c.post(url, {"do": "hold"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert client_for(reviewer).post(url, {"do": "circulate"}).status_code == 403
    c.post(url, {"do": "circulate"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    present = [m.pk for m in group[:10]]
    c.post(url, {"do": "attendance", "present": [str(p) for p in present]})
    assert meeting.attendance.filter(present=True).count() == 10
    c.post(url, {"do": "minutes", "minutes": "会议听取了统计工作进展汇报。"})
    c.post(
        url,
        {
            "do": "decision",
            "text": "各区在年底前完成统计人员配备",
            "owner": str(duty.department_id),
            "deadline": "2027-03-31",
        },
    )
    decision = Duty.objects.get(meeting=meeting)
    assert decision.source == DutySource.DECISION and decision.citation == "LG-2026-4.1"
    # Draft minutes are not shown to others before circulation.
    assert "会议听取了" not in client_for(leader).get(f"/governance/meetings/{meeting.pk}/").content.decode()
    c.post(url, {"do": "circulate"})
    group[0].user = leader
    group[0].save(update_fields=["user"])
    assert client_for(leader).post(url, {"do": "comment", "text": "同意"}).status_code == 302
    assert client_for(reviewer).post(url, {"do": "comment", "text": "x"}).status_code == 403
    assert client_for(office).get(f"/governance/meetings/{meeting.pk}/minutes/").status_code == 404
    c.post(url, {"do": "approve"})
    c.post(url, {"do": "publish"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED and meeting.published_at is not None
    printed = client_for(leader).get(f"/governance/meetings/{meeting.pk}/minutes/").content.decode()
    assert "会议听取了" in printed and "各区在年底前完成统计人员配备" in printed
    # The decision is a tracked duty, and the next meeting's agenda opens with it.
    assert "LG-2026-4.1" in client_for(office).get("/governance/duties/?source=decision").content.decode()
    c.post(
        "/governance/meetings/",
        {
            "code": "2026-5",
            "title": "第五次会议",
            "starts_at": (starts + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "duration": "90",
        },
    )
    following = Meeting.objects.get(code="2026-5")
    assert following.agenda.first().title.startswith("上次会议")  # type: ignore[union-attr]
    cockpit = client_for(leader).get("/governance/cockpit/").content.decode()
    assert "LG-2026-4.1" in cockpit and "第五次会议" in cockpit


def test_the_leader_lands_on_the_cockpit_and_cannot_reach_money_pages(
    leader: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    c = client_for(leader)
    assert c.get("/accounts/home/", follow=True).redirect_chain[-1][0] == "/governance/cockpit/"
    page = c.get("/governance/cockpit/")
    assert page.status_code == 200
    assert 'id="cockpit-data"' in page.content.decode()
    for url in ("/ledger/", "/applications/queue/", "/registry/enterprises/", "/governance/calendar/"):
        assert c.get(url).status_code in (302, 403), url
    # ... and is offered no link to them: not the calendar from the duties, nor the entitlements from home.
    assert 'href="/governance/calendar/"' not in c.get("/governance/duties/").content.decode()
    assert 'href="/policy/entitlements/"' not in c.get("/").content.decode()


def test_the_cockpit_links_each_heading_only_for_readers_its_page_lets_in(
    office: User, reviewer: User, finance: User, work_calendar: Path, client_for: Callable[[User | None], Client]
) -> None:
    from tests.factories import make_user
    from waibao.accounts.models import Role
    from waibao.registry.models import Zone

    zone_staff = make_user(Role.DEPARTMENT_REVIEWER, username="zone", zone=Zone.objects.get(code="htz"))
    expected = {  # reader: (goal linked, fund linked)
        office: (True, True),
        finance: (True, True),
        reviewer: (True, False),
        zone_staff: (False, False),
    }
    for reader, (goal, fund) in expected.items():
        client = client_for(reader)
        page = client.get("/governance/cockpit/").content.decode()
        assert ('href="/statistics/goal/"' in page, 'href="/ledger/"' in page) == (goal, fund), reader.username
        for url, linked in (("/statistics/goal/", goal), ("/ledger/", fund)):
            assert (client.get(url).status_code == 200) == linked, (reader.username, url)
