"""Fixtures for governance: a coordinator per department, a city leader, the calendar, statistics helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_user
from tests.statistics.conftest import approved_contract, ent, ent_user, rates, zones  # noqa: F401
from waibao.accounts.models import Role, User
from waibao.governance.models import Department


@pytest.fixture
def leader(dataset: Path) -> User:
    return make_user(Role.CITY_LEADER, username="leader")


@pytest.fixture
def finance_coordinator(dataset: Path) -> User:
    return make_user(
        Role.DEPARTMENT_REVIEWER, username="finance-coord", department=Department.objects.get(code="finance")
    )
