"""An enterprise's page (its own profile, `/registry/my/`, and the staff's view of it): the zone's, ownership type's
and categories' names come from the registry's cached options and follow every change of them; the open change
request is shown while it is open; the access check is the same as everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role, User
from waibao.registry.models import (
    EnterpriseChangeRequest,
    EnterpriseStatus,
    OwnershipType,
    RequestStatus,
    ServiceCategory,
    Zone,
)
from waibao.registry.services import zone_save

pytestmark = pytest.mark.django_db


def props(page: str) -> dict[str, str]:
    """The profile's (term → value) pairs, as the page writes them."""
    block = page.split('<dl class="props">')[1].split("</dl>")[0]
    pairs = {}
    for item in block.split("<dt>")[1:]:
        term, value = item.split("</dt><dd>")
        pairs[term] = value.split("</dd>")[0]
    return pairs


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_profile_names_zone_ownership_and_categories_in_the_readers_language(
    language: str, dataset: Any, office: User, client_for: Callable[[User | None], Client]
) -> None:
    htz = Zone.objects.get(code="htz")
    owner_type = OwnershipType.objects.get(code="170")
    first, second = ServiceCategory.objects.filter(parent__isnull=False).order_by("sort_order", "code")[:2]
    enterprise = EnterpriseFactory(zone=htz, ownership_type=owner_type, status=EnterpriseStatus.VERIFIED)
    enterprise.categories.set([second, first])
    owner = make_user(Role.ENTERPRISE, enterprise=enterprise)
    english = language == "en"
    zone, kind = (htz.name_en, owner_type.name_en) if english else (htz.name_zh, owner_type.name_zh)
    categories = [c.name_en if english else c.name_zh for c in (first, second)]
    with translation.override(language):
        terms = {term: gettext(term) for term in ("Zone", "Ownership type", "Service categories")}
        status = str(EnterpriseStatus.VERIFIED.label)
    pages = {"/registry/my/": client_for(owner), f"/registry/enterprises/{enterprise.pk}/": client_for(office)}
    for path, client in pages.items():
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        shown = props(page)
        assert shown[terms["Zone"]] == zone, shown
        assert shown[terms["Ownership type"]] == f"170 {kind}"
        assert shown[terms["Service categories"]] == "、".join(categories)
        assert page.split('id="status-badge">')[1].split("<")[0] == status


def test_profile_without_zone_ownership_or_categories(
    enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    page = client_for(enterprise_user).get("/registry/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    shown = props(page)
    assert shown["Zone"] == shown["Ownership type"] == shown["Service categories"] == "—"


def test_profile_follows_a_renamed_zone(
    office: User, enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    """The names are cached with the registry's version: the zone's service replaces it, so the next page shows
    the new name (the list's too)."""
    htz = Zone.objects.get(code="htz")
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    enterprise.zone = htz
    enterprise.save(update_fields=["zone"])
    client = client_for(enterprise_user)
    assert props(client.get("/registry/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode())["Zone"] == htz.name_en
    zone_save(acting_user=office, zone=htz, fields={"name_en": "Renamed Hi-Tech Zone"})
    assert props(client.get("/registry/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode())["Zone"] == (
        "Renamed Hi-Tech Zone"
    )
    listing = client_for(office).get("/registry/enterprises/?zone=htz", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<td class="hide-narrow">Renamed Hi-Tech Zone</td>' in listing


def test_profile_names_a_zone_and_category_the_cached_options_lack(
    enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    """A zone or category saved without replacing the cached options is still named (read from the database)."""
    client = client_for(enterprise_user)
    client.get("/registry/my/")  # the options are cached now
    zone = Zone.objects.create(code="new-park", name_zh="新园区", name_en="New Park")
    category = ServiceCategory.objects.create(code="new-cat", top_level="ITO", name_zh="新类别", name_en="New")
    enterprise = enterprise_user.enterprise
    assert enterprise is not None
    enterprise.zone = zone
    enterprise.save(update_fields=["zone"])
    enterprise.categories.set([category])
    shown = props(client.get("/registry/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert shown["Zone"] == "New Park" and shown["Service categories"] == "New"


def test_open_change_request_shown_until_decided(
    dataset: Any, office: User, client_for: Callable[[User | None], Client]
) -> None:
    enterprise = EnterpriseFactory(status=EnterpriseStatus.RECOGNISED, employees=30)
    owner = make_user(Role.ENTERPRISE, enterprise=enterprise)
    client = client_for(owner)
    assert 'id="change-request"' not in client.get("/registry/my/").content.decode()
    change = EnterpriseChangeRequest.objects.create(
        enterprise=enterprise, requested_by=owner, changes={"employees": 500}, previous={"employees": 30}
    )
    card = client.get("/registry/my/").content.decode().split('id="change-request"')[1].split("</table>")[0]
    assert "500" in card and "30" in card
    staff_page = client_for(office).get(f"/registry/enterprises/{enterprise.pk}/").content.decode()
    assert f'action="/registry/requests/change/{change.pk}/"' in staff_page  # the office decides here
    client_for(office).post(f"/registry/requests/change/{change.pk}/", {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == RequestStatus.APPROVED
    assert 'id="change-request"' not in client.get("/registry/my/").content.decode()


def test_another_enterprises_page_is_not_found(
    enterprise_user: User, other_enterprise_user: User, client_for: Callable[[User | None], Client]
) -> None:
    assert other_enterprise_user.enterprise is not None
    other = other_enterprise_user.enterprise.pk
    assert client_for(enterprise_user).get(f"/registry/enterprises/{other}/").status_code == 404
