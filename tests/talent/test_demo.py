"""The talent demo builds trainees at every stage, its claims and a refused duplicate, and runs twice harmlessly."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from waibao.applications.models import Application
from waibao.talent.models import DuplicateRefusal, Enrolment, Programme, Recognition

pytestmark = pytest.mark.django_db


def test_talent_demo(dataset: object) -> None:
    call_command("load_defaults", verbosity=0)
    call_command("demo", enterprises=8, seed=2007, verbosity=0)
    call_command("demo_accounts", quiet=True, verbosity=0)
    call_command("talent", "demo", verbosity=0)
    assert Programme.objects.filter(recognition=Recognition.RECOGNISED).count() == 2
    assert Programme.objects.filter(recognition=Recognition.NOT_RECOGNISED).count() == 1
    assert Enrolment.objects.filter(hire_confirmed_at__isnull=False).count() == 2
    assert Enrolment.objects.filter(employer__isnull=False, hire_confirmed_at__isnull=True).count() >= 1
    claims = Application.objects.filter(rule_id__in=["HZ-17b", "HZ-17c"])
    assert claims.count() == 2 and all(c.talent_claim for c in claims)
    assert DuplicateRefusal.objects.count() == 1
    call_command("talent", "demo", verbosity=0)
    assert Programme.objects.count() == 3
