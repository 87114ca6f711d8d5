"""The read-only JSON endpoints (called as functions: the API app mounts the router)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from tests.applications.conftest import PDF, apply, latest
from waibao.accounts.models import User
from waibao.applications.api import (
    ApplicationDetailOut,
    ApplicationPage,
    get_application,
    list_applications,
    public_notice,
)
from waibao.common.errors import NotFoundError, PermissionDeniedError

pytestmark = pytest.mark.django_db


def request_as(user: Any) -> Any:
    request = RequestFactory().get("/api/v1/applications/applications")
    request.user = user
    return request


def test_list_and_detail_follow_access(
    routing: Any,
    enterprise_user: User,
    other_enterprise_user: User,
    reviewer: User,
    client_for: Callable[[User | None], Client],
) -> None:
    apply(client_for(enterprise_user), "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    mine = ApplicationPage(**list_applications(request_as(enterprise_user)))
    assert [a.id for a in mine.results] == [application.pk]
    assert mine.results[0].calculated_amount_cny == 200000
    assert list_applications(request_as(other_enterprise_user))["count"] == 0
    assert list_applications(request_as(reviewer), status="submitted", rule="HZ-12a", year=2008)["count"] == 1
    detail = ApplicationDetailOut(**get_application(request_as(reviewer), application.pk))
    assert detail.facts["facts"] == {"software_export_usd": "600000"} and detail.explanation
    with pytest.raises(NotFoundError):
        get_application(request_as(other_enterprise_user), application.pk)
    with pytest.raises(PermissionDeniedError):
        list_applications(request_as(AnonymousUser()))
    assert public_notice(request_as(AnonymousUser())) == []


def test_the_documented_paths_answer_and_the_first_ones_still_do(
    routing: Any, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    """Issue 8 §7: `/api/v1/applications` was a 404 while `/api/v1/applications/applications` answered."""
    client = client_for(enterprise_user)
    apply(client, "HZ-12a", 2008, {"fact__software_export_usd": "600000"}, files={"contract": PDF})
    application = latest(rule_id="HZ-12a")
    documented = client.get("/api/v1/applications")
    assert documented.status_code == 200 and documented.json()["count"] == 1
    assert client.get(f"/api/v1/applications/{application.pk}").json()["id"] == application.pk
    assert client.get("/api/v1/applications/applications").json() == documented.json()
    assert client.get(f"/api/v1/applications/applications/{application.pk}").json()["id"] == application.pk
    assert client.get("/api/v1/applications/notice").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/applications" in schema and "/api/v1/applications/applications" not in schema
    assert client_for(None).get("/api/v1/applications").status_code in (401, 403)
