"""Website fixtures: the site's tree and groups (as `load_defaults` sets them up), editors of each kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_user
from waibao.accounts.models import Role, User
from waibao.website.models import SectionPage, SiteHomePage
from waibao.website.services import ensure_site


@pytest.fixture
def site(dataset: Path) -> SiteHomePage:
    return ensure_site()


def section(kind: str) -> SectionPage:
    return SectionPage.objects.get(kind=kind)


@pytest.fixture
def office2(dataset: Path) -> User:
    return make_user(Role.PROGRAMME_OFFICE, username="office2")


@pytest.fixture
def zone_editor(dataset: Path) -> User:
    from waibao.governance.models import Department
    from waibao.registry.models import Zone

    zone = Zone.objects.order_by("pk").first()
    department = Department.objects.get(code="trade-industry")
    return make_user(Role.DEPARTMENT_REVIEWER, username="zone-editor", zone=zone, department=department)
