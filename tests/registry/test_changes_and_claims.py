"""Issue 9 §5: self-registration throttled; a registered credit code goes to the office as a claim; a recognised
enterprise's eligibility changes wait for the office while the recognised values stand."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.factories import EnterpriseFactory, make_user, valid_credit_code
from waibao.accounts.models import Role, User
from waibao.audit.models import AuditEvent
from waibao.registry.models import (
    Enterprise,
    EnterpriseChangeRequest,
    EnterpriseClaim,
    EnterpriseStatus,
    RequestStatus,
    ServiceCategory,
    Zone,
)

pytestmark = pytest.mark.django_db


def registration(code: str, username: str, **extra: str) -> dict[str, str]:
    return {
        "credit_code": code,
        "name_zh": "杭州某某软件有限公司",
        "contact_name": "赵六",
        "contact_email": f"{username}@example.com",
        "username": username,
        "password": "Long-enough-pass-7",
        "password_again": "Long-enough-pass-7",
        **extra,
    }


def test_claiming_a_code_another_account_holds_goes_to_the_office(
    enterprise_user: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    held = enterprise_user.enterprise
    assert held is not None
    stranger = Client()
    response = stranger.post("/accounts/register/", registration(held.credit_code, "squatter"))
    assert response.status_code == 202
    assert not User.objects.filter(username="squatter").exists()  # no account, not signed in
    assert "_auth_user_id" not in stranger.session
    claim = EnterpriseClaim.objects.get()
    assert claim.enterprise == held and claim.status == RequestStatus.OPEN
    assert Enterprise.objects.count() == 1

    # The office sees it and decides.
    staff = client_for(office)
    assert f'id="claim-{claim.pk}"' in staff.get("/registry/requests/").content.decode()
    assert client_for(enterprise_user).get("/registry/requests/").status_code == 403
    staff.post(f"/registry/requests/claim/{claim.pk}/", {"decision": "decline"})
    claim.refresh_from_db()
    assert claim.status == RequestStatus.OPEN  # declining needs a reason
    staff.post(f"/registry/requests/claim/{claim.pk}/", {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == RequestStatus.APPROVED and claim.password_hash == ""
    user = User.objects.get(username="squatter")
    assert user.enterprise == held and user.role == Role.ENTERPRISE
    assert (
        Client().post("/accounts/login/", {"username": "squatter", "password": "Long-enough-pass-7"}).status_code == 302
    )
    assert AuditEvent.objects.filter(action="enterprise.claim_approved").exists()


@override_settings(WAIBAO_REGISTRATIONS_PER_HOUR=2)
def test_self_registration_is_throttled_per_client(dataset: Any) -> None:
    for n in range(2):
        response = Client(REMOTE_ADDR="198.51.100.7").post(
            "/accounts/register/", registration(valid_credit_code(), f"new{n}")
        )
        assert response.status_code == 302
    refused = Client(REMOTE_ADDR="198.51.100.7").post("/accounts/register/", registration(valid_credit_code(), "new9"))
    assert refused.status_code == 200 and not User.objects.filter(username="new9").exists()
    other = Client(REMOTE_ADDR="198.51.100.8").post("/accounts/register/", registration(valid_credit_code(), "new8"))
    assert other.status_code == 302


@override_settings(WAIBAO_REGISTRATIONS_PER_HOUR=1, WAIBAO_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_city_is_not_one_client(dataset: Any) -> None:
    proxy = "10.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert first.post("/accounts/register/", registration(valid_credit_code(), "a1")).status_code == 302
    assert second.post("/accounts/register/", registration(valid_credit_code(), "a2")).status_code == 302


def profile_post(enterprise: Enterprise, **changes: Any) -> dict[str, Any]:
    post: dict[str, Any] = {
        "name_en": enterprise.name_en,
        "registered_capital_cny": str(enterprise.registered_capital_cny),
        "employees": str(enterprise.employees),
        "zone": enterprise.zone_id or "",
        "ownership_type": enterprise.ownership_type_id or "",
        "categories": list(enterprise.categories.values_list("pk", flat=True)),
        "offshore_focused": "on" if enterprise.offshore_focused else "",
        "is_headquarters": "on" if enterprise.is_headquarters else "",
        "address": enterprise.address,
        "contact_name": enterprise.contact_name,
        "contact_email": enterprise.contact_email,
    }
    post.update(changes)
    return {k: v for k, v in post.items() if v != ""}


def test_recognised_enterprise_eligibility_change_waits_for_the_office(
    dataset: Any, office: User, client_for: Callable[[User | None], Client]
) -> None:
    htz = Zone.objects.get(code="htz")
    enterprise = EnterpriseFactory(
        status=EnterpriseStatus.RECOGNISED, zone=htz, registered_capital_cny=Decimal("1000000.00"), employees=30
    )
    enterprise.categories.set([ServiceCategory.objects.get(code="ito-software-dev")])
    owner = make_user(Role.ENTERPRISE, username="owner", enterprise=enterprise)
    other_zone = Zone.objects.exclude(pk=htz.pk).first()
    assert other_zone is not None
    client = client_for(owner)
    response = client.post(
        f"/registry/enterprises/{enterprise.pk}/edit/",
        profile_post(
            enterprise,
            registered_capital_cny="200000000",
            employees="500",
            zone=other_zone.pk,
            offshore_focused="on",
            address="新地址 1 号",
        ),
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    # The recognised values stand; the non-eligibility field applied at once.
    assert enterprise.registered_capital_cny == Decimal("1000000.00") and enterprise.employees == 30
    assert enterprise.zone == htz and not enterprise.offshore_focused
    assert enterprise.address == "新地址 1 号"
    change = EnterpriseChangeRequest.objects.get(enterprise=enterprise)
    assert change.status == RequestStatus.OPEN
    assert set(change.changes) == {"registered_capital_cny", "employees", "zone", "offshore_focused"}
    detail = client.get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    card = detail.split('id="change-request"')[1].split("</table>")[0]
    assert "registered_capital_cny" not in card and "200000000.00" in card  # field names in words

    # A second edit replaces the open request (one open request per enterprise).
    client.post(f"/registry/enterprises/{enterprise.pk}/edit/", profile_post(enterprise, employees="600"))
    assert EnterpriseChangeRequest.objects.filter(enterprise=enterprise, status=RequestStatus.OPEN).count() == 1
    change = EnterpriseChangeRequest.objects.get(enterprise=enterprise, status=RequestStatus.OPEN)
    assert change.changes == {"employees": 600}

    # The enterprise cannot approve its own change; the office can.
    assert client.post(f"/registry/requests/change/{change.pk}/", {"decision": "approve"}).status_code == 403
    client_for(office).post(f"/registry/requests/change/{change.pk}/", {"decision": "approve"})
    enterprise.refresh_from_db()
    change.refresh_from_db()
    assert change.status == RequestStatus.APPROVED and enterprise.employees == 600
    assert AuditEvent.objects.filter(action="enterprise.change_approved").exists()


def test_unrecognised_enterprise_edits_apply_at_once(enterprise_user: User, client_for: Any) -> None:
    enterprise = EnterpriseFactory(status=EnterpriseStatus.VERIFIED)
    owner = make_user(Role.ENTERPRISE, username="owner2", enterprise=enterprise)
    client_for(owner).post(f"/registry/enterprises/{enterprise.pk}/edit/", profile_post(enterprise, employees="77"))
    enterprise.refresh_from_db()
    assert enterprise.employees == 77 and not EnterpriseChangeRequest.objects.exists()


def test_office_edits_of_a_recognised_enterprise_apply_at_once(
    dataset: Any, office: User, client_for: Callable[[User | None], Client]
) -> None:
    enterprise = EnterpriseFactory(status=EnterpriseStatus.RECOGNISED, employees=5)
    post = profile_post(enterprise, employees="9", credit_code=enterprise.credit_code, name_zh=enterprise.name_zh)
    assert client_for(office).post(f"/registry/enterprises/{enterprise.pk}/edit/", post).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 9 and not EnterpriseChangeRequest.objects.exists()
