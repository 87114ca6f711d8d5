"""Only enterprises the programme office has recognised may apply for rewards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.applications.conftest import PDF, apply
from waibao.accounts.models import User
from waibao.applications.models import Application
from waibao.registry.models import EnterpriseStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [EnterpriseStatus.REGISTERED, EnterpriseStatus.VERIFIED, EnterpriseStatus.SUSPENDED])
def test_unrecognised_enterprise_is_refused_with_a_reason(
    status: str, routing: Path, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    enterprise.status = status
    enterprise.status_reason = "年检未通过" if status == EnterpriseStatus.SUSPENDED else ""
    enterprise.save(update_fields=["status", "status_reason"])
    response = apply(
        client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF}
    )
    assert response.status_code in {200, 400}
    assert "recognised" in response.content.decode() or "认定" in response.content.decode()
    assert not Application.objects.exists()


def test_recognised_enterprise_may_apply(
    routing: Path, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    response = apply(
        client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF}
    )
    assert response.status_code == 302
    assert Application.objects.get().status == "submitted"
