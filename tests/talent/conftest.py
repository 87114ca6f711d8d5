"""Talent fixtures: an approved institution with a user, a recognised programme starting in the future."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import EnterpriseFactory, TrainingInstitutionFactory, make_user
from waibao.accounts.models import Role, User
from waibao.applications.dataset import load_routing_dataset
from waibao.ledger.dataset import load_ledger_dataset
from waibao.talent.models import Programme, ProgrammeKind, Recognition, TrainingInstitution

# Valid resident identity numbers (GB 11643 check character), fictitious persons.
IDS = ["110101199003078515", "110101199003072973", "110101199003074215", "110101199003071831", "330106199505123411"]


@pytest.fixture
def routing(dataset: Path) -> Path:
    """Routing and the funds with their 2007–2010 budgets (as the applications tests load them)."""
    load_routing_dataset(dataset)
    load_ledger_dataset(dataset)
    return dataset


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Move the applications' "today" forward by some days (the notice period without waiting)."""

    def move(days: int) -> None:
        target = timezone.localdate() + datetime.timedelta(days=days)
        monkeypatch.setattr("waibao.applications.services.today", lambda: target)

    return move


@pytest.fixture
def institution(dataset: Path) -> TrainingInstitution:
    return TrainingInstitutionFactory(approved=True, name_zh="杭州外包培训学院")


@pytest.fixture
def trainer(institution: TrainingInstitution) -> User:
    return make_user(Role.TRAINING_INSTITUTION, username="trainer", training_institution=institution)


@pytest.fixture
def employer_user(dataset: Path) -> User:
    return make_user(Role.ENTERPRISE, username="employer", enterprise=EnterpriseFactory(status="recognised"))


def make_programme(institution: TrainingInstitution, **kwargs: Any) -> Programme:
    start = timezone.localdate() - datetime.timedelta(days=60)
    values: dict[str, Any] = {
        "institution": institution,
        "name_zh": "Java 岗前培训",
        "name_en": "Java pre-job training",
        "kind": ProgrammeKind.PRE_JOB,
        "fee_cny": Decimal("6000.00"),
        "capacity": 30,
        "starts_on": start,
        "ends_on": start + datetime.timedelta(days=30),
        "hours": 200,
        "recognition": Recognition.RECOGNISED,
    }
    values.update(kwargs)
    return Programme.objects.create(**values)


@pytest.fixture
def programme(institution: TrainingInstitution) -> Programme:
    """A recognised pre-job programme that ran two months ago (recognised before it started)."""
    return make_programme(institution)
