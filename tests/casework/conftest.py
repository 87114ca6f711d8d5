"""Fixtures for casework: the data set with case types, a reviewer of each casework department, a leader."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import make_user
from waibao.accounts.models import Role, User
from waibao.casework.dataset import load_casework_dataset
from waibao.governance.models import Department


@pytest.fixture
def casework(dataset: Path, work_calendar: Path) -> Path:
    load_casework_dataset(Path(settings.WAIBAO_DEFAULT_DATASET))
    return dataset


def dept_user(code: str, username: str) -> User:
    return make_user(Role.DEPARTMENT_REVIEWER, username=username, department=Department.objects.get(code=code))


@pytest.fixture
def hitech(casework: Path) -> User:
    return dept_user("hi-tech-office", "hitech")


@pytest.fixture
def ipo(casework: Path) -> User:
    return dept_user("ip-office", "ipo")


@pytest.fixture
def leader(casework: Path) -> User:
    return make_user(Role.CITY_LEADER, username="leader")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
