"""Fixtures for investment promotion: one user per kind of reader, and a project maker through the service."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_user
from tests.statistics.conftest import approved_contract, approved_execution, ent, ent_user, rates, zones  # noqa: F401
from waibao.accounts.models import Role, User
from waibao.governance.models import Department
from waibao.promotion import services
from waibao.promotion.models import Project
from waibao.registry.models import Zone


@pytest.fixture
def leader(dataset: Path) -> User:
    return make_user(Role.CITY_LEADER, username="leader")


@pytest.fixture
def sti_reviewer(dataset: Path) -> User:
    return make_user(
        Role.DEPARTMENT_REVIEWER, username="reviewer-sti", department=Department.objects.get(code="science-technology")
    )


@pytest.fixture
def zone_staff(zones: list[Zone], reviewer: User) -> User:  # noqa: F811
    return make_user(Role.DEPARTMENT_REVIEWER, username="zone-a", department=reviewer.department, zone=zones[0])


@pytest.fixture
def make_project(office: User, zones: list[Zone], work_calendar: Path) -> Callable[..., Project]:  # noqa: F811
    """A lead recorded by the office (trade and industry, first zone unless told otherwise)."""

    def make(**overrides: Any) -> Project:
        fields: dict[str, Any] = {
            "title": "软件外包交付中心",
            "investor_name": "Acme Software Inc.",
            "investor_country": "US",
            "project_type": "new_enterprise",
            "currency": "USD",
            "amount": Decimal("10000000"),
            "zone": zones[0],
            "department": Department.objects.get(code="trade-industry"),
            "on": datetime.date(2006, 1, 2),
        }
        fields.update(overrides)
        return services.project_create(acting_user=office, **fields)

    return make
