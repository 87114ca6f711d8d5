"""Suite-wide fixtures: the default data set, one user per role, clients signed in as each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role, User
from waibao.governance.dataset import load_governance_dataset
from waibao.registry.dataset import load_registry_dataset

PASSWORD = "Correct-Horse-9"


@pytest.fixture
def dataset(db: None) -> Path:
    """The default data set (zones, categories, ownership types, departments) loaded into the test database."""
    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_registry_dataset(folder)
    load_governance_dataset(folder)
    return folder


@pytest.fixture
def office(dataset: Path) -> User:
    return make_user(Role.PROGRAMME_OFFICE, username="office")


@pytest.fixture
def reviewer(dataset: Path) -> User:
    from waibao.governance.models import Department

    return make_user(
        Role.DEPARTMENT_REVIEWER,
        username="reviewer",
        department=Department.objects.get(code="trade-industry"),
    )


@pytest.fixture
def finance(dataset: Path) -> User:
    return make_user(Role.FINANCE_OFFICER, username="finance")


@pytest.fixture
def enterprise_user(dataset: Path) -> User:
    return make_user(Role.ENTERPRISE, username="ent", enterprise=EnterpriseFactory())


@pytest.fixture
def other_enterprise_user(dataset: Path) -> User:
    return make_user(Role.ENTERPRISE, username="ent2", enterprise=EnterpriseFactory())


@pytest.fixture
def training_user(dataset: Path) -> User:
    return make_user(Role.TRAINING_INSTITUTION, username="trainer")


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client signed in as `user` (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
