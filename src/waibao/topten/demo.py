"""Demo data for the top-ten selection: the demo year's annual reports, a run from the demo city's approved
figures, its public notice (ended early, said so in the record) and the final list with a DEMO award."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from waibao.accounts.models import Role, User
from waibao.applications import services as application_services
from waibao.audit.services import audit_record_many
from waibao.common.errors import DomainError
from waibao.registry.models import EnterpriseStatus
from waibao.statistics.models import Execution, RecordStatus
from waibao.topten import services
from waibao.topten.models import AnnualReport, RunStatus, SelectionMethod, SelectionRun

DEMO_YEAR = 2008
DEMO_METHOD = "hz24-demo-award"
# A DEMO amount so the award can be followed to payment: HZ-24 leaves the award to be set separately.
DEMO_AWARD_CNY = "100000"


def _office() -> User:
    user = User.objects.filter(role=Role.PROGRAMME_OFFICE, is_active=True).order_by("username").first()
    if user is None:
        raise DomainError("No programme-office account: run `waibao demo_accounts` first.", code="no_office")
    return user


def _annual_reports(year: int, rng: random.Random, office: User) -> int:
    """An approved annual report for every recognised enterprise with approved executions in `year` that has
    none, its figures in proportion to its revenue (taxes 4–9 %, R&D 3–15 %)."""
    revenue = dict(
        Execution.objects.filter(
            status=RecordStatus.APPROVED,
            date__year=year,
            enterprise__status=EnterpriseStatus.RECOGNISED,
        )
        .values_list("enterprise_id")
        .annotate(total=Sum("amount_cny"))
        .values_list("enterprise_id", "total")
    )
    existing = set(AnnualReport.objects.filter(year=year).values_list("enterprise_id", flat=True))
    now = datetime.datetime.now(tz=datetime.UTC)
    reports = []
    for enterprise_id, total in sorted(revenue.items()):
        if enterprise_id in existing:
            continue
        amount = Decimal(total or 0)
        reports.append(
            AnnualReport(
                enterprise_id=enterprise_id,
                year=year,
                taxes_paid_cny=(amount * Decimal(rng.randint(40, 90)) / 1000).quantize(Decimal("0.01")),
                rd_expense_cny=(amount * Decimal(rng.randint(30, 150)) / 1000).quantize(Decimal("0.01")),
                patents=rng.randint(0, 25),
                graduate_employees=rng.randint(10, 300),
                status=RecordStatus.APPROVED,
                submitted_at=now,
                reviewed_at=now,
                reviewed_by=office,
            )
        )
    with transaction.atomic():
        created = AnnualReport.objects.bulk_create(reports, batch_size=1000)
        audit_record_many(actor=None, action="topten.report_approve", objects=created, summary="demo annual report")
    return len(created)


def _demo_method(year: int) -> SelectionMethod:
    default = SelectionMethod.objects.filter(is_default=True).order_by("-valid_from").first()
    if default is None:
        raise DomainError("No selection method: run `waibao load_defaults` first.", code="no_method")
    document = {
        **default.document,
        "code": DEMO_METHOD,
        "award_cny": DEMO_AWARD_CNY,
        "note_zh": "演示：平台默认方法，奖励金额（每家10万元）为演示数据，奖励办法另定。",
        "note_en": "DEMO: the platform's default method with a demo award (CNY 100,000 each); "
        "the award method is to be set separately.",
    }
    method, _created = SelectionMethod.objects.update_or_create(
        code=DEMO_METHOD, defaults={"valid_from": datetime.date(year, 1, 1), "is_default": True, "document": document}
    )
    return method


def create_demo_topten(*, year: int = DEMO_YEAR, seed: int = 2007) -> dict[str, Any]:
    """Idempotent: a year that already has a list in notice or published is left as it is."""
    if SelectionRun.objects.filter(year=year, status__in=(RunStatus.IN_NOTICE, RunStatus.PUBLISHED)).exists():
        return {"year": year, "reports": 0, "run": None}
    office = _office()
    rng = random.Random(seed)
    services.report_call_set(acting_user=office, year=year, due_on=datetime.date(year + 1, 4, 30))
    reports = _annual_reports(year, rng, office)
    run = services.run_create(acting_user=office, year=year, method=_demo_method(year))
    run = services.run_open_notice(acting_user=office, run=run)
    for entry in run.list_entries.select_related("application"):
        assert entry.application is not None
        application_services.notice_end_early(
            acting_user=office,
            application=entry.application,
            reason="演示：公示期提前结束 / Demo: notice period ended early",
        )
    run = services.run_publish(acting_user=office, run=run)
    return {"year": year, "reports": reports, "run": run.pk, "eligible": run.eligible_count}
