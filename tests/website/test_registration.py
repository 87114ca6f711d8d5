"""A member of the public registers for an event: stored once per e-mail, confirmed by mail after commit, never
past capacity or closing; the office (and website editors) read and download the registrations, nobody else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import make_user
from tests.website.helpers import event
from waibao.accounts.models import Role, User
from waibao.website.models import EventPage, EventRegistration, SiteHomePage

pytestmark = pytest.mark.django_db

FORM = {"name": "张三", "organisation": "杭州某软件有限公司", "email": "zhang@example.com", "phone": "0571-1234567"}


def register(page: EventPage, client: Client | None = None, **fields: Any) -> Any:
    return (client or Client()).post(page.url, {**FORM, **fields})


def test_the_public_registers_and_receives_a_confirmation(
    site: SiteHomePage, django_capture_on_commit_callbacks: Any
) -> None:
    page = event()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(page)
    assert response.status_code == 302
    registration = EventRegistration.objects.get()
    assert (registration.event_id, registration.email, registration.organisation) == (
        page.pk,
        "zhang@example.com",
        "杭州某软件有限公司",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang@example.com"]
    assert "服务外包发展论坛" in mail.outbox[0].subject
    assert page.url in mail.outbox[0].body
    shown = Client().get(page.url).content.decode()
    assert "1 of 2 left" in shown or "剩余 1" in shown or "1 / 2" in shown or "1" in shown


def test_english_reader_gets_an_english_confirmation(
    site: SiteHomePage, django_capture_on_commit_callbacks: Any
) -> None:
    page = event()
    client = Client()
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        register(page, client)
    assert mail.outbox[0].subject.startswith("Registration confirmed: Outsourcing forum")
    assert EventRegistration.objects.get().language == "en"


def test_the_same_email_registers_once(site: SiteHomePage) -> None:
    page = event()
    register(page)
    response = register(page, email="ZHANG@example.com")
    assert response.status_code == 400
    assert EventRegistration.objects.count() == 1


def test_no_registration_past_capacity(site: SiteHomePage) -> None:
    page = event(capacity=1)
    register(page)
    response = register(page, email="li@example.com")
    assert response.status_code == 400
    assert "该活动名额已满" in response.content.decode()
    assert EventRegistration.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"registration_open": False},
        {"registration_closes_at": timezone.now() - timedelta(hours=1)},
        {"capacity": 0},
    ],
)
def test_no_registration_when_closed(site: SiteHomePage, fields: dict[str, Any]) -> None:
    page = event(**fields)
    response = register(page)
    assert response.status_code == 400
    assert not EventRegistration.objects.exists()


def test_a_past_event_takes_no_registration(site: SiteHomePage) -> None:
    page = event(days=-2)
    assert register(page).status_code == 400
    assert not EventRegistration.objects.exists()


@pytest.mark.parametrize(
    "fields", [{"email": "not-an-address"}, {"name": ""}, {"organisation": ""}, {"name": "x" * 101}]
)
def test_bad_input_is_a_form_error(site: SiteHomePage, fields: dict[str, str]) -> None:
    page = event()
    response = register(page, **fields)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not EventRegistration.objects.exists()


def test_an_unpublished_event_takes_no_registration(site: SiteHomePage) -> None:
    page = event()
    page.unpublish()
    assert register(page).status_code == 404
    assert not EventRegistration.objects.exists()


def test_registrations_are_read_by_the_office_and_zone_editors_only(
    site: SiteHomePage, office: User, zone_editor: User, client_for: Any
) -> None:
    page = event()
    register(page)
    url = f"/site/events/{page.pk}/registrations/"
    for user in (office, zone_editor):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "杭州某软件有限公司" in response.content.decode()
    download = client_for(office).get(url, {"format": "xlsx"})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet.cell(2, 3).value == "zhang@example.com"
    assert Client().get(url).status_code == 302  # to sign in
    for role in (Role.ENTERPRISE, Role.FINANCE_OFFICER, Role.TRAINING_INSTITUTION, Role.CITY_LEADER):
        assert client_for(make_user(role)).get(url).status_code == 403
    assert client_for(office).get("/site/events/999999/registrations/").status_code == 404
