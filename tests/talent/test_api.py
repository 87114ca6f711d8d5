"""The training API: the same access as the pages, identity numbers masked, nothing for the public."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories import make_user
from tests.talent.conftest import IDS
from waibao.accounts.models import Role, User
from waibao.talent import institutions, services

pytestmark = pytest.mark.django_db


def test_programmes_and_trainees(
    programme: Any, trainer: User, office: User, employer_user: User, client_for: Callable[[User | None], Client]
) -> None:
    services.enrol(
        acting_user=trainer,
        programme=programme,
        name="张三",
        id_type="resident_id",
        id_number=IDS[0],
        category="fresh_graduate",
        graduation_date=datetime.date(2026, 6, 30),
    )
    assert client_for(None).get("/api/v1/talent/programmes").status_code in (401, 403)
    listing = client_for(trainer).get("/api/v1/talent/programmes").json()
    assert listing["count"] == 1 and listing["results"][0]["enrolled"] == 1
    detail = client_for(office).get(f"/api/v1/talent/programmes/{programme.pk}")
    body = detail.content.decode()
    assert detail.status_code == 200 and IDS[0] not in body
    trainee = detail.json()["trainees"][0]
    assert trainee["id_masked"].startswith("1101") and trainee["subsidy"][0]["rule"] == "HZ-17b"
    assert client_for(employer_user).get(f"/api/v1/talent/programmes/{programme.pk}").status_code == 404
    other = make_user(Role.TRAINING_INSTITUTION, username="t-api")
    assert client_for(other).get("/api/v1/talent/programmes").json()["count"] == 0


def test_plan(office: User, trainer: User, client_for: Callable[[User | None], Client]) -> None:
    institutions.plan_target_set(acting_user=office, year=2009, kind="law", enrolled=3, completed=2, hired=0)
    plan = client_for(office).get("/api/v1/talent/plan?year=2009").json()
    assert plan["targets"][0]["target"]["enrolled"] == 3 and plan["targets"][0]["progress"]["enrolled"] == 0
    assert client_for(trainer).get("/api/v1/talent/plan").status_code == 403
    assert client_for(office).get("/api/v1/talent/plan?year=1").status_code == 400
