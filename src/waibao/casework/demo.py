"""Demo casework for `make run`: two casework reviewers (hi-tech office, IP office) and cases of every type in
every state over the last weeks — on time, overdue, waiting on the requester, answered, rated (one bad).
Idempotent; demo databases only."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from waibao.accounts.models import Role, User
from waibao.casework import services
from waibao.casework.models import Case, CaseType, DepartmentHead
from waibao.casework.workflow import DEPARTMENT, OFFICE, REQUESTER
from waibao.governance.models import Department
from waibao.workdays.selectors import current_calendar

SUBJECTS = {
    "consultation": ("软件出口奖励的申报时间", "请问2026年度软件出口奖励何时开始申报？"),
    "complaint": ("窗口办理时间过长", "在服务大厅等待两小时未能办理。"),
    "difficulty": ("园区夜间停电影响交付", "园区三号楼近一周夜间多次停电，影响离岸交付。"),
    "ip_complaint": ("源代码被前员工泄露", "前员工带走核心源代码并在新公司使用。"),
    "talent_residence": ("外籍工程师人才居住证", "为我司外籍架构师申请人才居住证。"),
    "high_level_talent": ("高层次人才住房补贴", "引进的首席科学家申请住房补贴。"),
    "special_working_hours": ("离岸交付团队综合计算工时", "为夜班交付团队申请综合计算工时制。"),
    "registration": ("以服务外包方式从事软件开发的登记", "经营范围登记为“以服务外包方式从事软件开发”。"),
    "financing_guarantee": ("承接大额离岸合同的履约担保", "申请履约保函担保。"),
    "entry_exit": ("外籍高管多次往返签证", "为外籍高管申请多次往返签证。"),
}


def _reviewer(username: str, department: str, name: str) -> User:
    from waibao.accounts.demo import DEMO_PASSWORD

    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = Role.DEPARTMENT_REVIEWER
    user.department = Department.objects.get(code=department)
    user.full_name = name
    user.email = f"{username}@example.gov.cn"
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    from waibao.accounts.demo import demo_totp_key
    from waibao.accounts.mfa import needs_second_factor

    if needs_second_factor(user):
        from waibao.accounts.demo import demo_device

        demo_device(user, demo_totp_key(username))
    return user


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def ensure_demo_casework(*, today: datetime.date | None = None) -> int:
    if Case.objects.exists():
        return 0
    today = today or timezone.localdate()
    calendar = current_calendar()
    office = User.objects.filter(username="office").first()
    enterprise = User.objects.filter(username="enterprise").first()
    if office is None or enterprise is None or not CaseType.objects.exists():
        raise RuntimeError("run `waibao load_defaults` and `waibao demo_accounts` first")
    handlers = {
        "hi-tech-office": _reviewer("reviewer-hitech", "hi-tech-office", "高新办 吴受理"),
        "ip-office": _reviewer("reviewer-ip", "ip-office", "知识产权局 郑处理"),
    }
    for user in handlers.values():
        DepartmentHead.objects.get_or_create(department=user.department, user=user)
    made = 0
    for i, case_type in enumerate(CaseType.objects.filter(is_active=True).select_related("department")):
        category = case_type.category_choices()[0][0] if case_type.categories else ""
        department = services.routed_department(case_type, category)  # routing per category, as data
        handler = (
            handlers.get(department.code)
            or User.objects.filter(role=Role.DEPARTMENT_REVIEWER, department=department).first()
            or _reviewer(f"reviewer-{department.code}"[:150], department.code, "审核员")
        )
        title, body = SUBJECTS.get(case_type.code, (case_type.name_zh, case_type.name_zh))
        for variant in range(3):
            filed = calendar.add_working_days(today, -(12 - variant * 5 + i % 3)) if variant < 2 else today
            ip: dict[str, str] = {}
            if "right_type" in case_type.fields:
                ip = {
                    "right_type": "copyright",
                    "right_holder": enterprise.enterprise.name_zh if enterprise.enterprise else "权利人",
                    "registration_number": f"2026SR{100000 + i}",
                    "infringer_name": "某信息技术有限公司",
                }
            files = []
            if case_type.attachments:
                from io import BytesIO

                from waibao.applications.evidence import check_upload

                files = [
                    (k, check_upload(BytesIO(b"%PDF-1.4\n%%EOF\n"), name=f"{k}.pdf")) for k in case_type.attachments
                ]
            case, _code = services.case_file(
                case_type=case_type,
                filer_kind="enterprise",
                title=title,
                body=body,
                contact_name=enterprise.full_name or "联系人",
                contact_email=enterprise.email,
                category=category,
                enterprise=enterprise.enterprise,
                user=enterprise,
                details={f: "李明" for f in case_type.fields if f == "person_name"},
                files=files,
                at=_at(filed, 9),
                right_type=ip.get("right_type", ""),
                right_holder=ip.get("right_holder", ""),
                registration_number=ip.get("registration_number", ""),
                infringer_name=ip.get("infringer_name", ""),
            )
            made += 1
            if variant == 2:
                continue  # filed today: waits for the office
            services.case_act(case=case, action="assign", party=OFFICE, actor=office, at=_at(filed, 11))
            if variant == 1 and i % 2 == 0:
                services.case_act(
                    case=case,
                    action="ask_requester",
                    party=DEPARTMENT,
                    actor=handler,
                    text="请补充相关证明材料。",
                    at=_at(calendar.add_working_days(filed, 1), 15),
                )
            if variant == 0 and i % 3 != 2:
                answered = calendar.add_working_days(filed, 3 + i % 5)
                services.case_act(
                    case=case,
                    action="answer",
                    party=DEPARTMENT,
                    actor=handler,
                    text="已协调相关单位办理，请查收。",
                    outcome=case_type.outcomes[0],
                    at=_at(min(answered, today), 16),
                )
                grade = "dissatisfied" if i == 1 else "satisfied"
                services.rating_give(case=case, party=REQUESTER, actor=enterprise, grade=grade, comment="")
    return made
