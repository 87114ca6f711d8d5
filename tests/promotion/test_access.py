"""Who sees what: investment leads are confidential. Every role × every kind of page, export and API answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from waibao.accounts.models import User
from waibao.governance.models import Department
from waibao.promotion.models import Project
from waibao.registry.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(
    office: User,
    reviewer: User,
    sti_reviewer: User,
    zone_staff: User,
    leader: User,
    finance: User,
    enterprise_user: User,
    training_user: User,
) -> dict[str | None, User | None]:
    return {
        None: None,
        "office": office,
        "reviewer": reviewer,
        "reviewer-sti": sti_reviewer,
        "zone-staff": zone_staff,
        "leader": leader,
        "finance": finance,
        "enterprise": enterprise_user,
        "training": training_user,
    }


# What each role gets: "ok" (200), "login" (redirect to sign in), "figures" (redirect to the figures), 403, 404.
PAGES: dict[str, dict[str | None, object]] = {
    "/promotion/": {
        None: "login", "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": "figures", "finance": 403, "enterprise": 403, "training": 403,
    },
    "/promotion/list/": {
        None: "login", "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 403, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/promotion/list/export/": {
        None: 403, "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 403, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/promotion/figures/": {
        None: "login", "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 200, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/promotion/figures/export/": {
        None: 403, "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 200, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/promotion/events/": {
        None: "login", "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 403, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/promotion/new/": {
        None: "login", "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 403, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/api/v1/promotion/projects": {
        None: 401, "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 403, "finance": 403, "enterprise": 403, "training": 403,
    },
    "/api/v1/promotion/figures?year=2007": {
        None: 401, "office": 200, "reviewer": 200, "reviewer-sti": 200, "zone-staff": 200,
        "leader": 200, "finance": 403, "enterprise": 403, "training": 403,
    },
}  # fmt: skip

# A trade-and-industry project in the first zone: who may read (and move) it.
PROJECT_READERS = {"office", "reviewer", "zone-staff"}


def _check(response: object, expected: object, url: str, who: str | None) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    where = f"{who} {url}"
    if expected == "login":
        assert status == 302 and "/accounts/login/" in response["Location"], where  # type: ignore[index]
    elif expected == "figures":
        assert status == 302 and response["Location"].endswith("/promotion/figures/"), where  # type: ignore[index]
    else:
        assert status == expected, f"{where}: {status}"


def test_every_role_on_every_page(
    users: dict[str | None, User | None],
    make_project: Callable[..., Project],
    client_for: Callable[[User | None], Client],
) -> None:
    make_project()
    for url, expected in PAGES.items():
        for who, user in users.items():
            _check(client_for(user).get(url), expected[who], url, who)


def test_every_role_on_one_project(
    users: dict[str | None, User | None],
    make_project: Callable[..., Project],
    zones: list[Zone],
    client_for: Callable[[User | None], Client],
) -> None:
    project = make_project()
    elsewhere = make_project(title="别区项目", zone=zones[1])  # same department, another zone
    for who, user in users.items():
        client = client_for(user)
        page = client.get(f"/promotion/{project.pk}/")
        api = client.get(f"/api/v1/promotion/projects/{project.pk}")
        move = client.post(f"/promotion/{project.pk}/move/", {"action": "contact"})
        if who in PROJECT_READERS:
            assert page.status_code == 200, who
            assert api.status_code == 200 and api.json()["id"] == project.pk, who
        elif who is None:
            assert page.status_code == 302, who
            # the API asks an anonymous caller to sign in (401); the page's form refuses the write
            assert api.status_code == 401 and move.status_code == 403, who
        else:
            # another department's reviewer is told "not found": a lead's existence is confidential too
            assert page.status_code == (404 if who == "reviewer-sti" else 403), who
            assert api.status_code == page.status_code and move.status_code == page.status_code, who
        # zone staff see their own zone only; the department's reviewer sees it in every zone
        other = client.get(f"/promotion/{elsewhere.pk}/").status_code
        assert other == {"office": 200, "reviewer": 200, "zone-staff": 404}.get(str(who), page.status_code), who
    project.refresh_from_db()
    assert project.stage == "contact"  # moved once (by the office, first to try); the others were refused


def test_lists_hold_only_the_readers_projects(
    users: dict[str | None, User | None],
    make_project: Callable[..., Project],
    zones: list[Zone],
    client_for: Callable[[User | None], Client],
) -> None:
    make_project(title="贸工一区")
    make_project(title="贸工二区", zone=zones[1])
    make_project(title="科技一区", department=Department.objects.get(code="science-technology"))
    expected = {
        "office": {"贸工一区", "贸工二区", "科技一区"},
        "reviewer": {"贸工一区", "贸工二区"},
        "reviewer-sti": {"科技一区"},
        "zone-staff": {"贸工一区", "科技一区"},
    }
    for who, titles in expected.items():
        data = client_for(users[who]).get("/api/v1/promotion/projects").json()
        assert {p["title"] for p in data["results"]} == titles, who
        page = client_for(users[who]).get("/promotion/list/").content.decode()
        for title in {"贸工一区", "贸工二区", "科技一区"}:
            assert (title in page) == (title in titles), (who, title)


def test_a_reviewer_records_leads_of_their_own_department_only(
    reviewer: User, zones: list[Zone], client_for: Callable[[User | None], Client], work_calendar: object
) -> None:
    client = client_for(reviewer)
    fields = {
        "title": "科技局的项目",
        "investor_name": "X Corp",
        "investor_country": "US",
        "project_type": "new_enterprise",
        "currency": "USD",
        "amount": "1000000",
        "zone": zones[0].pk,
        "department": Department.objects.get(code="science-technology").pk,
    }
    response = client.post("/promotion/new/", fields)
    assert response.status_code == 200
    assert "只能登记本部门" in response.content.decode() or "own department" in response.content.decode()
    assert not Project.objects.exists()
    fields["department"] = reviewer.department_id  # type: ignore[assignment]
    assert client.post("/promotion/new/", fields).status_code == 302
    assert Project.objects.get().created_by == reviewer
