"""`waibao promotion demo` (run by `make setup-data`): events, a project at each stage, one lost, one overdue, and
one carried to an operating enterprise whose approved statistics confirm it. Running it again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from waibao.promotion.models import Project, PromotionEvent, Stage
from waibao.promotion.services import operating_evidence

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_the_demo_pipeline(work_calendar: object) -> None:
    call_command("load_defaults", verbosity=0)
    call_command("demo", enterprises=25, seed=2007, verbosity=0)
    call_command("stats", "demo", seed=2007, verbosity=0)
    call_command("demo_accounts", quiet=True, verbosity=0)
    call_command("promotion", "demo", verbosity=0)
    stages = set(Project.objects.values_list("stage", flat=True))
    assert {Stage.LEAD, Stage.CONTACT, Stage.NEGOTIATION, Stage.SIGNED, Stage.LOST, Stage.OPERATING} <= stages
    operating = Project.objects.get(stage=Stage.OPERATING)
    assert operating.enterprise is not None and operating_evidence(operating) >= 1
    assert PromotionEvent.objects.get(name="中国国际服务外包合作大会").leads.count() >= 3
    count = Project.objects.count()
    call_command("promotion", "demo", verbosity=0)
    assert Project.objects.count() == count
