"""`waibao casework demo` and `waibao casework tick` run on a demo database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from waibao.accounts.demo import ensure_demo_accounts
from waibao.casework.models import Case, Rating

pytestmark = pytest.mark.django_db


def test_demo_cases_of_every_type_and_the_daily_tick(casework):
    from waibao.registry.demo import create_demo_enterprises

    create_demo_enterprises(count=3, seed=1)
    ensure_demo_accounts()
    out = io.StringIO()
    call_command("casework", "demo", stdout=out)
    assert "30 cases" in out.getvalue()
    assert Case.objects.values("case_type").distinct().count() == 10
    assert Rating.objects.filter(bad=True).exists()
    call_command("casework", "demo", stdout=out)  # idempotent
    assert Case.objects.count() == 30
    call_command("casework", "tick", stdout=out)
    assert "closed:" in out.getvalue()
