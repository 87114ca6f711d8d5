"""The generated demo city holds together: nothing happens before an enterprise is founded, the registry's
headcount is the staffing reports', awards come after founding, and the zones' HZ-6 checklists are filled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Max, Min, OuterRef, Subquery

from tests.shared_data import flush_database
from waibao.accounts.models import User
from waibao.applications.models import Application
from waibao.registry.models import Enterprise, InfrastructureItem, Zone, ZoneInfrastructure, ZoneKind
from waibao.statistics.models import Contract, Execution, StaffingReport

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Built once for the module (the tests only read it), removed after it."""
    with django_db_blocker.unblock():
        _build()
        yield
        flush_database()


def _build() -> None:
    call_command("load_defaults", verbosity=0)
    call_command("demo", enterprises=60, seed=2007, verbosity=0)
    call_command("stats", "demo", seed=2007, verbosity=0)
    call_command("demo_accounts", quiet=True, verbosity=0)
    call_command("applications", "demo", verbosity=0)


def test_nothing_happens_before_an_enterprise_is_founded(demo_city: None) -> None:
    assert Contract.objects.exists() and StaffingReport.objects.exists()
    founded = {e.pk: e.established_on for e in Enterprise.objects.all()}
    for enterprise_id, first in Contract.objects.values_list("enterprise_id").annotate(first=Min("signed_date")):
        assert first >= founded[enterprise_id], (enterprise_id, first, founded[enterprise_id])
    for enterprise_id, first in Execution.objects.values_list("enterprise_id").annotate(first=Min("date")):
        assert first >= founded[enterprise_id]
    for enterprise_id, first in StaffingReport.objects.values_list("enterprise_id").annotate(first=Min("period_start")):
        assert first >= founded[enterprise_id].replace(day=1)


def test_the_registry_headcount_is_the_latest_staffing_report(demo_city: None) -> None:
    latest = StaffingReport.objects.filter(enterprise_id=OuterRef("pk")).order_by("-period_start")
    rows = Enterprise.objects.annotate(reported=Subquery(latest.values("employees")[:1])).exclude(reported=None)
    assert rows.exists()
    for enterprise in rows:
        assert enterprise.employees == enterprise.reported, enterprise.name_zh


def test_awards_come_after_founding(demo_city: None) -> None:
    applications = Application.objects.exclude(enterprise=None).select_related("enterprise")
    assert applications.exists()
    for application in applications:
        assert application.year > application.enterprise.established_on.year, application
    demo_enterprise = User.objects.get(username="enterprise").enterprise
    assert demo_enterprise is not None and demo_enterprise.established_on < date(2005, 1, 1)
    first_contract = Contract.objects.filter(enterprise=demo_enterprise).aggregate(first=Min("signed_date"))["first"]
    assert first_contract is None or first_contract >= demo_enterprise.established_on


def test_every_zone_has_its_checklist_and_demonstration_zones_have_every_item(demo_city: None) -> None:
    items = InfrastructureItem.objects.count()
    assert items >= 5
    for zone in Zone.objects.all():
        rows = ZoneInfrastructure.objects.filter(zone=zone)
        assert rows.count() == items, zone.code
        if zone.kind == ZoneKind.DEMONSTRATION_ZONE:
            assert not rows.filter(available=False).exists(), f"{zone.code} shows items missing"
    assert Zone.objects.get(code="htz").kind == ZoneKind.DEMONSTRATION_ZONE


def test_the_demo_is_the_same_city_each_time(demo_city: None) -> None:
    """Running the demo again changes nothing (same seed, idempotent)."""
    before = (Contract.objects.count(), StaffingReport.objects.aggregate(m=Max("employees"))["m"])
    call_command("demo", enterprises=60, seed=2007, verbosity=0)
    call_command("stats", "demo", seed=2007, verbosity=0)
    assert (Contract.objects.count(), StaffingReport.objects.aggregate(m=Max("employees"))["m"]) == before
