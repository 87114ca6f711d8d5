"""Each role lands on its own work; the public finds the policy; the office runs institutions and accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory, TrainingInstitutionFactory, make_user
from waibao.accounts.models import Role, User
from waibao.registry.credit_code import make_credit_code
from waibao.registry.models import Zone
from waibao.talent.models import TrainingInstitution

ClientFor = Callable[[User | None], Client]


def _lands(client: Client) -> tuple[str, str]:
    response = client.get("/accounts/home/", follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0], response.content.decode()


def test_each_role_lands_on_its_own_work(
    office: User, reviewer: User, finance: User, enterprise_user: User, training_user: User, client_for: ClientFor
) -> None:
    assert _lands(client_for(office))[0] == "/registry/"
    assert _lands(client_for(reviewer))[0] == "/applications/queue/"
    url, page = _lands(client_for(finance))
    assert url == "/work/" and 'id="payments-due"' in page and "/registry/" not in url
    url, page = _lands(client_for(enterprise_user))
    assert url == "/work/" and 'id="my-applications"' in page and 'id="reports-due"' in page
    assert "/policy/entitlements/" in page
    url, page = _lands(client_for(training_user))
    assert url == "/work/" and 'id="my-applications"' in page and 'id="reports-due"' not in page


def test_zone_staff_land_on_their_zones_reports(dataset: Path, client_for: ClientFor) -> None:
    zone = Zone.objects.get(code="htz")
    staff = make_user(Role.DEPARTMENT_REVIEWER, username="zone", zone=zone)
    url, page = _lands(client_for(staff))
    assert url == "/work/" and 'id="zone-reports"' in page and zone.name in page


def test_the_public_menu_and_home_link_the_policy_entitlements_and_notices(dataset: Path) -> None:
    page = Client().get("/").content.decode()
    for link in ('href="/policy/"', 'href="/policy/entitlements/"', 'href="/notice/"'):
        assert page.count(link) >= 2, link  # in the menu and on the home page


def test_the_office_adds_and_approves_a_training_institution(office: User, client_for: ClientFor) -> None:
    client = client_for(office)
    response = client.post(
        "/talent/institutions/",
        {"credit_code": make_credit_code("91330106MA27U0TH4"), "name_zh": "杭州外包学院", "approved": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    institution = TrainingInstitution.objects.get(name_zh="杭州外包学院")
    assert not institution.approved
    client.post(f"/talent/institutions/{institution.pk}/approve/")
    institution.refresh_from_db()
    assert institution.approved
    refused = client.post("/talent/institutions/", {"credit_code": "123", "name_zh": "坏代码"})
    assert refused.status_code == 200 and not TrainingInstitution.objects.filter(name_zh="坏代码").exists()


def test_only_the_office_manages_institutions(finance: User, client_for: ClientFor) -> None:
    assert client_for(finance).get("/talent/institutions/").status_code == 403
    institution = TrainingInstitutionFactory()
    assert client_for(finance).post(f"/talent/institutions/{institution.pk}/approve/").status_code == 403


def test_the_office_makes_accounts_of_every_role(office: User, client_for: ClientFor) -> None:
    enterprise = EnterpriseFactory()
    client = client_for(office)
    data = {"username": "ent-second", "role": Role.ENTERPRISE, "password": "Correct-Horse-9x"}
    refused = client.post("/accounts/users/", data)
    assert refused.status_code == 200 and not User.objects.filter(username="ent-second").exists()
    response = client.post("/accounts/users/", {**data, "enterprise": enterprise.credit_code})
    assert response.status_code == 302
    assert User.objects.get(username="ent-second").enterprise == enterprise
    assert "ent-second" in client.get("/accounts/users/").content.decode()


def test_the_office_cannot_deactivate_the_superuser(office: User, client_for: ClientFor) -> None:
    admin = User.objects.create_superuser("root", "root@example.com", "Correct-Horse-9x")
    page = client_for(office).get("/accounts/users/").content.decode()
    assert f"/accounts/users/{admin.pk}/toggle-active/" not in page
    client_for(office).post(f"/accounts/users/{admin.pk}/toggle-active/")
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_switching_language_is_remembered_for_notifications(
    language: str, enterprise_user: User, client_for: ClientFor
) -> None:
    client_for(enterprise_user).post("/i18n/setlang/", {"language": language, "next": "/"})
    enterprise_user.refresh_from_db()
    assert enterprise_user.language == language
