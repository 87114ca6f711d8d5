"""Every role against every page and endpoint of the registry: what each may and may not do.

Expected outcomes: 200 (allowed), 302 (anonymous sent to sign in, or a successful POST redirect),
403 (signed in, role not allowed; the API answers anonymous callers 401), 404 (another enterprise's record:
ids cannot be probed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory, make_user
from tests.statistics.conftest import TODAY, contract_fields
from waibao.accounts.models import Role, User
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.models import ExchangeRate
from waibao.statistics.services import contract_save

pytestmark = pytest.mark.django_db

# "zone" is zone staff: a department reviewer limited to one zone (the zone of the enterprise user's
# enterprise; {other} lies in another zone), who sees that zone's enterprises and figures only.
ROLES = ["anonymous", "office", "reviewer", "finance", "enterprise", "training", "zone"]


@pytest.fixture
def actors(dataset: object) -> dict[str, User | None]:
    zone = Zone.objects.get(code="htz")
    own = EnterpriseFactory(name_zh="本企业", zone=zone)
    return {
        "anonymous": None,
        "office": make_user(Role.PROGRAMME_OFFICE),
        "reviewer": make_user(Role.DEPARTMENT_REVIEWER),
        "finance": make_user(Role.FINANCE_OFFICER),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=own),
        "training": make_user(Role.TRAINING_INSTITUTION),
        "zone": make_user(Role.DEPARTMENT_REVIEWER, zone=zone),
    }


@pytest.fixture
def other(dataset: object) -> Enterprise:
    return EnterpriseFactory(name_zh="别家企业", zone=Zone.objects.get(code="etdz"))


@pytest.fixture
def contracts(actors: dict[str, User | None], other: Enterprise) -> dict[str, int]:
    """A draft contract of the enterprise user's enterprise and one of `other`, entered by the office."""
    office = make_user(Role.PROGRAMME_OFFICE)
    ExchangeRate.objects.create(currency="USD", date=date(2007, 1, 1), cny_per_unit=Decimal("7.8087"))
    own = Enterprise.objects.get(pk=own_id(actors))
    return {
        f"{name}_contract": contract_save(
            acting_user=office, enterprise=enterprise, fields=contract_fields(contract_no=f"M-{name}"), today=TODAY
        ).pk
        for name, enterprise in (("own", own), ("other", other))
    }


def own_id(actors: dict[str, User | None]) -> int:
    user = actors["enterprise"]
    assert user is not None and user.enterprise_id is not None
    return user.enterprise_id


# (url template, {role: expected status}); {own} is the enterprise user's enterprise, {other} another one.
GET_MATRIX: list[tuple[str, dict[str, int]]] = [
    ("/", dict.fromkeys(ROLES, 200)),
    ("/zones/", dict.fromkeys(ROLES, 200)),
    ("/zones/htz/", dict.fromkeys(ROLES, 200)),
    ("/departments/", dict.fromkeys(ROLES, 200)),
    (
        "/accounts/login/",
        {"anonymous": 200, "office": 302, "reviewer": 302, "finance": 302, "enterprise": 302, "training": 302},
    ),
    (
        "/accounts/register/",
        {"anonymous": 200, "office": 302, "reviewer": 302, "finance": 302, "enterprise": 302, "training": 302},
    ),
    (
        "/accounts/users/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/",
        {"anonymous": 302, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/enterprises/",
        {"anonymous": 302, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/enterprises/export.xlsx",  # an export is a job: POST only (tested below)
        {"anonymous": 302, "office": 405, "reviewer": 405, "finance": 405, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/enterprises/new/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/enterprises/import/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/enterprises/import/template.xlsx",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/enterprises/{own}/",
        {"anonymous": 302, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 200, "training": 403},
    ),
    (
        "/registry/enterprises/{other}/",
        {"anonymous": 302, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 404, "training": 403},
    ),
    (
        "/registry/enterprises/{own}/edit/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 200, "training": 403},
    ),
    (
        "/registry/enterprises/{other}/edit/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 404, "training": 403},
    ),
    (
        "/registry/enterprises/999999/",
        {"anonymous": 302, "office": 404, "reviewer": 404, "finance": 404, "enterprise": 404, "training": 403},
    ),
    (
        "/registry/my/",
        {"anonymous": 302, "office": 403, "reviewer": 403, "finance": 403, "enterprise": 200, "training": 403},
    ),
    (
        "/registry/zones/new/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 403, "training": 403},
    ),
    (
        "/registry/zones/htz/edit/",
        {"anonymous": 302, "office": 200, "reviewer": 403, "finance": 403, "enterprise": 403, "training": 403},
    ),
    ("/api/v1/registry/zones", dict.fromkeys(ROLES, 200)),
    ("/api/v1/registry/departments", dict.fromkeys(ROLES, 200)),
    (
        "/api/v1/registry/enterprises",
        {"anonymous": 401, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 403, "training": 403},
    ),
    (
        "/api/v1/registry/enterprises/{own}",
        {"anonymous": 401, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 200, "training": 403},
    ),
    (
        "/api/v1/registry/enterprises/{other}",
        {"anonymous": 401, "office": 200, "reviewer": 200, "finance": 200, "enterprise": 404, "training": 403},
    ),
]


# Zone staff on the rows above: as a city-wide reviewer, except for an enterprise in another zone (404, as
# for another enterprise's user: ids cannot be probed).
ZONE_STAFF = {
    "/registry/enterprises/{other}/": 404,
    "/api/v1/registry/enterprises/{other}": 404,
}
for _url, _expected in GET_MATRIX:
    _expected.setdefault("zone", ZONE_STAFF.get(_url, _expected["reviewer"]))

STATS_STAFF = {
    "anonymous": 302,
    "office": 200,
    "reviewer": 200,
    "finance": 200,
    "enterprise": 403,
    "training": 403,
    "zone": 200,
}
STATS_API = {**STATS_STAFF, "anonymous": 401}  # the API answers an anonymous caller 401 (send a token)
RANGE = "date_from=2007-01-01&date_to=2007-12-31"

# Statistics: zone staff see their zone's figures only; the city-wide goal is not theirs.
GET_MATRIX += [
    ("/statistics/", STATS_STAFF),
    ("/statistics/?zone=htz", STATS_STAFF),
    ("/statistics/?zone=etdz", {**STATS_STAFF, "zone": 403}),
    ("/statistics/export.xlsx", STATS_STAFF),
    ("/statistics/export.xlsx?zone=etdz", {**STATS_STAFF, "zone": 403}),
    ("/statistics/goal/", {**STATS_STAFF, "zone": 403}),
    ("/statistics/figures/", dict.fromkeys(ROLES, 200)),
    ("/statistics/review/", {**STATS_STAFF, "reviewer": 403, "finance": 403}),
    ("/statistics/rates/", STATS_STAFF),
    ("/statistics/parameters/", {**dict.fromkeys(ROLES, 403), "anonymous": 302, "office": 200}),
    ("/statistics/records/?enterprise={own}", {**STATS_STAFF, "enterprise": 200}),
    ("/statistics/records/?enterprise={other}", {**STATS_STAFF, "enterprise": 200, "zone": 404}),  # enterprise: own
    ("/statistics/contracts/{own_contract}/", {**STATS_STAFF, "enterprise": 200}),
    ("/statistics/contracts/{other_contract}/", {**STATS_STAFF, "enterprise": 404, "zone": 404}),
    (f"/api/v1/statistics/indicators?{RANGE}&by=zone", STATS_API),
    (f"/api/v1/statistics/indicators?{RANGE}&zone=etdz", {**STATS_API, "zone": 403}),
    # Another zone's enterprise is as unknown to zone staff as one that does not exist.
    (f"/api/v1/statistics/indicators?{RANGE}&enterprise={{other}}", {**STATS_API, "zone": 422}),
    ("/api/v1/statistics/goal", {**STATS_API, "zone": 403}),
    ("/api/v1/statistics/headline", dict.fromkeys(ROLES, 200)),
    ("/api/v1/statistics/facts/{own}/2007", {**STATS_API, "enterprise": 200}),
    ("/api/v1/statistics/facts/{other}/2007", {**STATS_API, "enterprise": 404, "zone": 404}),
]


@pytest.mark.parametrize(("url", "expected"), GET_MATRIX, ids=[u for u, _ in GET_MATRIX])
def test_get_matrix(
    url: str,
    expected: dict[str, int],
    actors: dict[str, User | None],
    other: Enterprise,
    contracts: dict[str, int],
    client_for: Callable[[User | None], Client],
) -> None:
    target = url.format(own=own_id(actors), other=other.pk, **contracts)
    got = {role: client_for(actors[role]).get(target).status_code for role in ROLES}
    assert got == expected


def post_action(client: Client, enterprise_id: int, action: str, reason: str = "") -> int:
    return client.post(
        f"/registry/enterprises/{enterprise_id}/action/", {"action": action, "reason": reason}
    ).status_code


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_changes_status(
    role: str, actors: dict[str, User | None], other: Enterprise, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(actors[role])
    status = post_action(client, other.pk, "verify")
    other.refresh_from_db()
    if role == "office":
        assert status == 302 and other.status == "verified"
    else:
        assert other.status == "registered"
        assert status in {302, 403, 404}  # anonymous → sign in; enterprise → 404 (not theirs)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_owner_and_office_edits_a_profile(
    role: str, actors: dict[str, User | None], client_for: Callable[[User | None], Client]
) -> None:
    target = own_id(actors)
    response = client_for(actors[role]).post(f"/registry/enterprises/{target}/edit/", {"employees": "77"})
    enterprise = Enterprise.objects.get(pk=target)
    if role in {"enterprise", "office"}:
        assert response.status_code in {200, 302}  # 200: form re-shown with errors for missing fields
    else:
        assert response.status_code in {302, 403}
        assert enterprise.employees != 77


def test_enterprise_user_cannot_reach_another_enterprise_by_any_url(
    actors: dict[str, User | None], other: Enterprise, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(actors["enterprise"])
    for url in [
        f"/registry/enterprises/{other.pk}/",
        f"/registry/enterprises/{other.pk}/edit/",
        f"/api/v1/registry/enterprises/{other.pk}",
        f"/registry/enterprises/?q={other.credit_code}",
        f"/registry/enterprises/export.xlsx?q={other.credit_code}",
    ]:
        response = client.get(url)
        assert response.status_code in {403, 404}, url
        assert other.name_zh not in response.content.decode(errors="ignore"), url  # no data of theirs leaks
    response = client.post(f"/registry/enterprises/{other.pk}/action/", {"action": "resubmit"})
    assert response.status_code == 404
    assert client.post(f"/registry/enterprises/export.xlsx?q={other.credit_code}").status_code == 403
    assert client.post("/applications/all/").status_code == 403  # no export job for an enterprise either


def test_export_jobs_by_role(actors: dict[str, User | None], client_for: Callable[[User | None], Client]) -> None:
    """Starting an export (a job) follows the same roles as reading the list; the job page is its owner's."""
    for url in ("/registry/enterprises/export.xlsx", "/applications/all/", "/applications/queue/"):
        got = {role: client_for(actors[role]).post(url).status_code for role in ROLES}
        assert got == {
            "anonymous": 302, "office": 302, "reviewer": 302, "finance": 302, "enterprise": 403, "training": 403,
            "zone": 302,
        }, url  # fmt: skip
