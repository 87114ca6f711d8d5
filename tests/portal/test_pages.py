"""Public pages in both languages, and error pages that never show a stack trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory
from waibao.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text"), [("en", "Trade and Industry Bureau"), ("zh-hans", "市贸工局")])
def test_departments_page_in_both_languages(dataset: object, language: str, text: str) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    body = client.get("/departments/").content.decode()
    assert text in body and "SZ-1.8" in body


def test_language_switcher_switches(dataset: object) -> None:
    client = Client()
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/zones/"})
    assert response.status_code == 302 and response["Location"] == "/zones/"
    body = client.get("/zones/").content.decode()
    assert 'lang="en"' in body and "Hangzhou Hi-Tech Industry Development Zone" in body


def test_unknown_zone_is_a_friendly_404(dataset: object) -> None:
    response = Client().get("/zones/no-such-zone/")
    assert response.status_code == 404 and b"<html" in response.content


def test_api_unknown_enterprise_is_json_404(office, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(office).get("/api/v1/registry/enterprises/424242")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_pages_have_a_phone_viewport(dataset: object) -> None:
    assert b'name="viewport"' in Client().get("/").content


def test_home_counts_come_from_the_cache_and_follow_a_recognition(
    office: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from tests.factories import complete_profile
    from waibao.registry.services import enterprise_transition

    enterprise = complete_profile(EnterpriseFactory(status="verified"))  # recognition needs the profile
    client = Client()
    before = client.get("/").context["counts"]["recognised"]
    EnterpriseFactory(status="recognised")  # written without a service: the cached count does not move
    assert client.get("/").context["counts"]["recognised"] == before
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_transition(acting_user=office, enterprise=enterprise, action="recognise")
    assert client.get("/").context["counts"]["recognised"] == before + 2


def test_a_duty_written_only_in_chinese_is_marked_as_chinese_on_the_english_page(dataset: object) -> None:
    """A duty decided at a meeting has no English text yet: the English page shows the Chinese, marked as such."""
    from waibao.governance.models import Department, Duty

    department = Department.objects.get(code="trade-industry")
    Duty.objects.create(department=department, number=99, citation="M-1", text_zh="各园区配备统计人员", text_en="")
    client = Client()
    client.cookies["django_language"] = "en"
    body = client.get("/departments/").content.decode()
    assert '<td lang="zh-hans">各园区配备统计人员</td>' in body
    client.cookies["django_language"] = "zh-hans"
    assert "<td>各园区配备统计人员</td>" in client.get("/departments/").content.decode()
