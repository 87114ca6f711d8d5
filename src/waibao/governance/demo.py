"""Demo governance for `make run`: assigned duties, reports in each state, a meeting with published minutes and
decisions, and the next meeting scheduled. Idempotent; demo databases only."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from waibao.accounts.models import Role, User
from waibao.governance import meetings, services
from waibao.governance.models import Duty, DutyReport, GroupMember, GroupRole, Meeting, ReportKind

DEMO_MEETING = "2026-4"


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"demo account {username!r} is missing: run `waibao demo_accounts` first")
    return user


@transaction.atomic
def ensure_demo_governance(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    if Meeting.objects.filter(code=DEMO_MEETING).exists():
        return 0
    office, reviewer, sti = _user("office"), _user("reviewer"), _user("reviewer-sti")
    statistics = Duty.objects.get(citation="SZ-1.8")
    website = Duty.objects.get(citation="SZ-1.10")
    strategy = Duty.objects.get(citation="SZ-1.2")
    certification = Duty.objects.get(citation="SZ-3.2")
    for duty, person in ((statistics, reviewer), (website, reviewer), (strategy, reviewer), (certification, sti)):
        services.duty_assign(acting_user=office, duty=duty, responsible=person, deadline=duty.deadline)
    done = services.duty_report(
        acting_user=reviewer,
        duty=statistics,
        kind=ReportKind.DONE,
        text="制定并印发服务外包企业统计报表制度，按季度汇总全市数据。",
        rules_title="深圳市服务外包统计报表制度（试行）",
        rules_number="深贸工〔2007〕86号",
        rules_date=datetime.date(2007, 11, 20),
    )
    services.duty_report_decide(acting_user=office, report=done, accept=True)
    services.duty_report(
        acting_user=reviewer, duty=strategy, kind=ReportKind.PROGRESS, text="发展战略研究已完成初稿。", percent=60
    )
    services.duty_report(
        acting_user=sti,
        duty=certification,
        kind=ReportKind.DONE,
        text="印发国际资质认证资助办法。",
        rules_title="深圳市服务外包国际资质认证资助办法",
        rules_number="深科信〔2007〕211号",
        rules_date=datetime.date(2007, 12, 10),
    )
    leader = User.objects.filter(role=Role.CITY_LEADER, username="leader").first()
    seat = GroupMember.objects.filter(group_role=GroupRole.LEADER, valid_to__isnull=True).first()
    if leader is not None and seat is not None and seat.user_id is None:
        seat.user = leader
        seat.person = seat.person or leader.full_name
        seat.save(update_fields=["user", "person"])
    held_at = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(9, 30)))
    meeting = meetings.meeting_schedule(
        acting_user=office,
        code=DEMO_MEETING,
        title="领导小组第四次全体会议",
        starts_at=held_at,
        location="市政府一号会议室",
    )
    meetings.agenda_item_add(
        acting_user=office,
        meeting=meeting,
        title="全市服务外包统计工作进展",
        presenter=statistics.department,
        duty=statistics,
        link="/statistics/goal/",
    )
    meetings.agenda_item_add(
        acting_user=office, meeting=meeting, title="专项资金使用情况", presenter=None, link="/ledger/"
    )
    meetings.meeting_transition(acting_user=office, meeting=meeting, name="hold")
    meetings.attendance_record(
        acting_user=office,
        meeting=meeting,
        present_member_ids=set(meeting.attendance.values_list("member_id", flat=True)[:12]),
    )
    meetings.minutes_save(
        acting_user=office,
        meeting=meeting,
        text="会议听取了市贸工局关于全市服务外包统计工作进展的汇报，研究了专项资金使用情况。会议议定如下事项。",
    )
    meetings.decision_record(
        acting_user=office,
        meeting=meeting,
        text="各园区年底前完成服务外包统计人员配备",
        owner=statistics.department,
        deadline=today + datetime.timedelta(days=18),
    )
    meetings.decision_record(
        acting_user=office,
        meeting=meeting,
        text="市财政局报送专项资金上半年使用情况",
        owner=Duty.objects.get(citation="SZ-2.1").department,
        deadline=today - datetime.timedelta(days=5),
    )
    for step in ("circulate", "approve", "publish"):
        meetings.meeting_transition(acting_user=office, meeting=meeting, name=step)
    next_at = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=14), datetime.time(9, 30)))
    meetings.meeting_schedule(
        acting_user=office,
        code="2026-5",
        title="领导小组第五次全体会议",
        starts_at=next_at,
        location="市政府一号会议室",
    )
    return DutyReport.objects.count()
