"""Demo accounts, one per role, for `make run`. Never used outside a demo database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from waibao.accounts.mfa import demo_device, needs_second_factor
from waibao.accounts.models import Role, User
from waibao.governance.models import Department
from waibao.registry.models import Enterprise, EnterpriseStatus, Zone
from waibao.talent.models import TrainingInstitution

DEMO_PASSWORD = "Waibao-demo-2007"  # noqa: S105 - printed to the person running the demo


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    note: str


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create or reset the demo accounts (idempotent: running it twice changes nothing more)."""
    with transaction.atomic():
        trade = Department.objects.get(code="trade-industry")
        science = Department.objects.get(code="science-technology")
        zone = Zone.objects.order_by("sort_order").first()
        recognised = Enterprise.objects.filter(status=EnterpriseStatus.RECOGNISED, name_en__gt="")
        # Founded before the demo's 2007 awards and its statistics from 2005 (any recognised one otherwise).
        enterprise = (
            recognised.filter(established_on__lt=date(2005, 1, 1)).order_by("credit_code").first()
            or recognised.order_by("credit_code").first()
        )
        if enterprise is None:
            raise RuntimeError("no recognised enterprise: run `waibao demo` first")
        institution, _ = TrainingInstitution.objects.get_or_create(
            credit_code=_institution_code(),
            defaults={
                "name_zh": "杭州服务外包人才培训学校",
                "name_en": "Hangzhou Outsourcing Talent Training School",
                "approved": True,
            },
        )
        specs: list[tuple[str, str, dict[str, Any], str]] = [
            ("office", Role.PROGRAMME_OFFICE, {"full_name": "领导小组办公室 王主任"}, "programme office"),
            (
                "reviewer",
                Role.DEPARTMENT_REVIEWER,
                {"department": trade, "full_name": "贸工局 李审核"},
                f"reviewer, {trade.name_en}",
            ),
            (
                "reviewer-sti",
                Role.DEPARTMENT_REVIEWER,
                {"department": science, "full_name": "科技局 赵审核"},
                f"reviewer, {science.name_en}",
            ),
            (
                "zone-staff",
                Role.DEPARTMENT_REVIEWER,
                {"department": trade, "zone": zone, "full_name": "园区 周统计"},
                f"zone staff, {zone.name_en if zone else ''}",
            ),
            ("finance", Role.FINANCE_OFFICER, {"full_name": "财政局 陈会计"}, "finance officer"),
            ("leader", Role.CITY_LEADER, {"full_name": "孙副市长"}, "city leader (read-only cockpit)"),
            (
                "enterprise",
                Role.ENTERPRISE,
                {"enterprise": enterprise, "full_name": enterprise.contact_name},
                f"enterprise user, {enterprise.name_zh}",
            ),
            (
                "training",
                Role.TRAINING_INSTITUTION,
                {"training_institution": institution, "full_name": "培训学校 刘老师"},
                f"training institution, {institution.name_zh}",
            ),
            ("jobseeker", Role.JOB_SEEKER, {"full_name": "王小明"}, "job seeker (recruitment site /careers/)"),
        ]
        accounts = []
        for username, role, extra, note in specs:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role
            for key, value in extra.items():
                setattr(user, key, value)
            user.email = f"{username}@example.gov.cn"
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            if needs_second_factor(user):
                demo_device(user, demo_totp_key(username))
            accounts.append(DemoAccount(username, role, note))
        admin = User.objects.filter(username="admin").first() or User(username="admin")
        admin.is_superuser = admin.is_staff = True
        admin.role = Role.PROGRAMME_OFFICE
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        demo_device(admin, demo_totp_key("admin"))
        accounts.append(DemoAccount("admin", Role.PROGRAMME_OFFICE, "superuser (Django admin at /admin/)"))
    return accounts


def demo_totp_key(username: str) -> str:
    """The known TOTP secret (hex) of a demo staff account: the same on every demo database."""
    return hashlib.sha1(f"waibao-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def _institution_code() -> str:
    from waibao.registry.credit_code import make_credit_code, make_org_code

    return make_credit_code("52" + "330100" + make_org_code("MJ000001"))
