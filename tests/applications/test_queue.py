"""The work queue read as plain values: order (overdue first, then oldest), marks, names, pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from tests.factories import EnterpriseFactory
from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.selectors import queue
from waibao.governance.models import Department

pytestmark = pytest.mark.django_db


def waiting(
    enterprise: Any, year: int, *, changed_days_ago: int, due_in_days: int | None, **values: Any
) -> Application:
    now = timezone.now()
    return Application.objects.create(
        enterprise=enterprise, rule_id="HZ-15", year=year, status=ApplicationStatus.SUBMITTED,
        department=Department.objects.get(code="trade-industry"), fund_code="special_fund", basis="fixed",
        calculated_amount_cny=Decimal("1000.00"), status_changed_at=now - datetime.timedelta(days=changed_days_ago),
        step_due_at=None if due_in_days is None else now + datetime.timedelta(days=due_in_days), **values,
    )  # fmt: skip


def test_the_queue_puts_overdue_first_then_the_oldest_and_never_marks_a_step_without_deadline(
    routing: Any, office: User
) -> None:
    enterprise = EnterpriseFactory(name_zh="杭州甲公司", name_en="Hangzhou A Ltd")
    on_time = waiting(enterprise, 2005, changed_days_ago=5, due_in_days=10, recommended_amount_cny=Decimal("800.00"))
    late_recent = waiting(enterprise, 2006, changed_days_ago=2, due_in_days=-1)
    late_old = waiting(enterprise, 2007, changed_days_ago=20, due_in_days=-5)
    no_deadline = waiting(enterprise, 2008, changed_days_ago=30, due_in_days=None)

    found = queue(office)
    assert [r.application.pk for r in found.rows] == [late_old.pk, late_recent.pk, no_deadline.pk, on_time.pk]
    assert [r.overdue for r in found.rows] == [True, True, False, False]
    assert (found.total, found.overdue, found.pages) == (4, 2, 1)
    assert [r.age_days for r in found.rows] == [20, 2, 30, 5]
    assert found.rows[2].limit_days is None and found.rows[3].limit_days == 14
    assert found.rows[3].application.recommended_amount_cny == Decimal("800.00")
    assert found.rows[0].application.recommended_amount_cny is None
    assert found.rows[0].application.calculated_amount_cny == Decimal("1000.00")
    assert found.rows[0].waiting_on == "department"

    second = queue(office, page=2, per_page=2)
    assert [r.application.pk for r in second.rows] == [no_deadline.pk, on_time.pk] and second.pages == 2
    assert queue(office, page=9, per_page=2).page == 2  # past the end: the last page


def test_the_queue_names_applicant_department_and_status_in_the_readers_language(routing: Any, office: User) -> None:
    named = waiting(
        EnterpriseFactory(name_zh="杭州甲公司", name_en="Hangzhou A Ltd"), 2008, changed_days_ago=1, due_in_days=5
    )
    waiting(EnterpriseFactory(name_zh="只有中文名", name_en=""), 2008, changed_days_ago=0, due_in_days=5)
    department = Department.objects.get(code="trade-industry")
    with translation.override("zh-hans"):
        chinese = queue(office).rows
        status_zh = str(ApplicationStatus.SUBMITTED.label)
    with translation.override("en"):
        english = queue(office).rows
        status_en = str(ApplicationStatus.SUBMITTED.label)
    assert [r.application.applicant_name for r in chinese] == ["杭州甲公司", "只有中文名"]
    assert [r.application.applicant_name for r in english] == ["Hangzhou A Ltd", "只有中文名"]
    assert chinese[0].application.department is not None and english[0].application.department is not None
    assert chinese[0].application.department.name == department.name_zh
    assert english[0].application.department.name == department.name_en
    assert chinese[0].application.pk == named.pk and chinese[0].application.rule_id == "HZ-15"
    with translation.override("en"):
        assert english[0].application.get_status_display() == status_en != status_zh


def test_every_role_queues_what_the_access_check_shows_it_waiting_in_the_same_order(routing: Any, office: User) -> None:
    """The queue is read in plain SQL; `access.visible_applications` is the rule. For every role (zone staff, a
    partner department, applicants, a role without a queue) the queue holds the same applications, counts the same
    overdue ones and orders them as the ORM's ordering (overdue first, then oldest) does."""
    from django.db.models import Count, F, Q, Value
    from django.db.models.functions import Coalesce
    from django.db.models.lookups import LessThanOrEqual

    from tests.factories import TrainingInstitutionFactory, make_user
    from waibao.accounts.models import Role
    from waibao.applications.access import visible_applications
    from waibao.applications.selectors import _waiting_states
    from waibao.registry.models import Zone

    zone, other_zone = Zone.objects.order_by("pk")[:2]
    trade, finance = Department.objects.get(code="trade-industry"), Department.objects.get(code="finance")
    in_zone, elsewhere = EnterpriseFactory(zone=zone), EnterpriseFactory(zone=other_zone)
    school = TrainingInstitutionFactory()
    now = timezone.now()
    for n, status in enumerate(ApplicationStatus):
        for applicant in ({"enterprise": in_zone}, {"enterprise": elsewhere}, {"training_institution": school}):
            Application.objects.create(
                **applicant, rule_id="HZ-17b" if "training_institution" in applicant else "HZ-15", year=2000 + n,
                status=status, department=trade, fund_code="special_fund", basis="fixed",
                status_changed_at=None if n % 5 == 0 else now - datetime.timedelta(days=n % 7),
                step_due_at=None if n % 3 == 0 else now + datetime.timedelta(days=n % 4 - 2),
                approved_amount_cny=Decimal("1000.00"), recommended_amount_cny=Decimal("1000.00"),
            )  # fmt: skip
    users = [
        office,
        make_user(Role.PROGRAMME_OFFICE, username="zone-office", zone=zone),
        make_user(Role.DEPARTMENT_REVIEWER, username="trade", department=trade),
        make_user(Role.DEPARTMENT_REVIEWER, username="trade-zone", department=trade, zone=zone),
        make_user(Role.DEPARTMENT_REVIEWER, username="partner", department=finance),  # partner on HZ-17b
        make_user(Role.FINANCE_OFFICER, username="finance"),
        make_user(Role.ENTERPRISE, username="applicant", enterprise=in_zone),
        make_user(Role.TRAINING_INSTITUTION, username="school-user", training_institution=school),
        make_user(Role.CITY_LEADER, username="leader"),
    ]
    late_first = Coalesce(LessThanOrEqual(F("step_due_at"), now), Value(False)).desc()
    for user in users:
        expected = visible_applications(user).filter(status__in=_waiting_states(user))
        counts = expected.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(step_due_at__lte=now)))
        found = queue(user, now=now, per_page=None)
        assert [r.application.pk for r in found.rows] == list(
            expected.order_by(late_first, "status_changed_at", "pk").values_list("pk", flat=True)
        ), user.username
        assert (found.total, found.overdue) == (counts["total"], counts["overdue"]), user.username
    assert queue(users[3], now=now, per_page=None).total > 0  # the zone reviewer's queue is not empty
    assert queue(users[4], now=now, per_page=None).total > 0  # nor the partner department's
    assert queue(users[8], now=now, per_page=None).total == 0
