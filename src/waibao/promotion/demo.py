"""Demo pipeline for `make run`: promotion events, projects at every stage (one lost, one overdue), and one
project carried from lead to an operating enterprise whose approved statistics confirm it. Idempotent; demo
databases only."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from waibao.accounts.models import User
from waibao.governance.models import Department
from waibao.promotion import services
from waibao.promotion.models import EventKind, Project, ProjectType, PromotionEvent
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.models import Execution, RecordStatus
from waibao.workdays.calendar import CalendarYearMissingError
from waibao.workdays.selectors import add_working_days

D = datetime.date

# (title, investor, country, parent group, type, currency, amount, base, steps with dates, from the event?)
PROJECTS: list[tuple[str, str, str, str, str, str, str, str, list[tuple[str, D]], bool]] = [
    (
        "印度软件外包交付中心",
        "Infotech Services Ltd",
        "IN",
        "Infotech Group",
        ProjectType.NEW_ENTERPRISE,
        "USD",
        "12000000",
        "0",
        [],
        True,
    ),
    (
        "日本BPO呼叫中心",
        "Sakura Business Process K.K.",
        "JP",
        "",
        ProjectType.NEW_ENTERPRISE,
        "JPY",
        "800000000",
        "0",
        [("contact", D(2007, 4, 10))],
        True,
    ),
    (
        "欧洲研发中心",
        "Nordic Analytics AB",
        "SE",
        "Nordic Holdings",
        ProjectType.RD_CENTRE,
        "EUR",
        "5000000",
        "0",
        [("contact", D(2007, 3, 2)), ("negotiate", D(2007, 5, 15))],
        True,
    ),
    (
        "亚太区域总部",
        "Pacific Data Corp.",
        "US",
        "Pacific Data Holdings",
        ProjectType.HEADQUARTERS,
        "USD",
        "30000000",
        "0",
        [("contact", D(2007, 2, 1)), ("negotiate", D(2007, 3, 1)), ("sign", D(2007, 6, 18))],
        False,
    ),
    (
        "香港数据处理中心",
        "Harbour Data Ltd",
        "HK",
        "",
        ProjectType.NEW_ENTERPRISE,
        "HKD",
        "40000000",
        "0",
        [("contact", D(2007, 1, 20)), ("lose", D(2007, 5, 8))],
        True,
    ),
]


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"demo account {username!r} is missing: run `waibao demo_accounts` first")
    return user


@transaction.atomic
def _counts_five_working_days(day: datetime.date) -> bool:
    """Whether the loaded calendar holds five working days after `day` (in late December the next year may not be
    loaded yet: the demo then sets its next actions a month earlier)."""
    try:
        add_working_days(day, 5)
    except CalendarYearMissingError:
        return False
    return True


def ensure_demo_promotion(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    if PromotionEvent.objects.exists():
        return 0
    # The day open leads' next actions are set from (a month earlier in late December, next year not loaded yet).
    earlier = today - datetime.timedelta(days=30)
    lead_day = today if _counts_five_working_days(today) else earlier
    office = _user("office")
    trade = Department.objects.get(code="trade-industry")
    zones = list(Zone.objects.filter(is_active=True).order_by("sort_order"))
    forum = services.event_create(
        acting_user=office,
        name="中国国际服务外包合作大会",
        kind=EventKind.FORUM,
        held_on=D(2007, 1, 12),
        place="杭州",
        department=trade,
        note="服务外包招商推介，签约意向项目若干。",
    )
    services.event_create(
        acting_user=office,
        name="东京服务外包推介会",
        kind=EventKind.ROADSHOW,
        held_on=D(2007, 9, 20),
        place="东京",
        department=trade,
    )
    for i, (title, investor, country, group, kind, currency, amount, base, steps, from_event) in enumerate(PROJECTS):
        project = services.project_create(
            acting_user=office,
            title=title,
            investor_name=investor,
            investor_country=country,
            parent_group=group,
            project_type=kind,
            currency=currency,
            amount=Decimal(amount),
            base_amount=Decimal(base),
            zone=zones[i % len(zones)],
            department=trade,
            responsible=_user("reviewer"),
            event=forum if from_event else None,
            on=D(2007, 1, 15),
            pipeline="headquarters" if kind == ProjectType.HEADQUARTERS else "",
        )
        for name, on in steps:
            reason = "投资方转向其他城市" if name == "lose" else ""
            services.project_transition(acting_user=office, project=project, name=name, on=on, reason=reason)
        if kind != ProjectType.NEW_ENTERPRISE or not steps:
            services.project_set_next_action(
                acting_user=office,
                project=project,
                text="发送园区考察邀请" if not steps else "跟进签约后注册手续",
                working_days=5,
                today=earlier if steps else lead_day,
            )
    _operating_project(office, trade, zones)
    return Project.objects.count()


def _operating_project(office: User, trade: Department, zones: list[Zone]) -> None:
    """A project carried to "operating": its enterprise has approved execution records after registration."""
    approved = Execution.objects.filter(status=RecordStatus.APPROVED, date__gte=D(2007, 6, 1)).order_by("date", "pk")
    record = approved.first()
    if record is None:
        return  # no approved statistics in this demo: the project stays at "capital arrived"
    enterprise = Enterprise.objects.get(pk=record.enterprise_id)
    zone = enterprise.zone or zones[0]
    project = services.project_create(
        acting_user=office,
        title="美资软件外包企业增资扩产",
        investor_name="Atlantic Software Inc.",
        investor_country="US",
        parent_group="Atlantic Group",
        project_type=ProjectType.CAPITAL_INCREASE,
        currency="USD",
        amount=Decimal("8000000"),
        base_amount=Decimal("3000000"),
        zone=zone,
        department=trade,
        on=D(2007, 1, 8),
    )
    steps = [("contact", D(2007, 1, 20)), ("negotiate", D(2007, 2, 10)), ("sign", D(2007, 3, 5))]
    for name, on in steps:
        services.project_transition(acting_user=office, project=project, name=name, on=on)
    services.project_transition(
        acting_user=office, project=project, name="register", on=D(2007, 4, 2), credit_code=enterprise.credit_code
    )
    services.project_transition(acting_user=office, project=project, name="capital", on=D(2007, 5, 10))
    on = max(record.date, D(2007, 5, 10))
    services.project_transition(acting_user=office, project=project, name="operate", on=on)
