"""Every role against every page of the recruitment site, for a posting in each state, a CV and an application.

Outcomes: 200 (allowed), 302 (anonymous sent to sign in; an owner sent back from a page the state does not
allow), 403 (signed in, role not allowed), 404 (a record the user may not know of: ids cannot be probed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.factories import make_user
from tests.recruitment.conftest import register_seeker
from waibao.accounts.models import Role, User
from waibao.recruitment import services
from waibao.recruitment.models import Posting

pytestmark = pytest.mark.django_db

ROLES = [
    "public",
    "seeker",
    "other_seeker",
    "owner",
    "other_enterprise",
    "office",
    "reviewer",
    "finance",
    "training",
    "leader",
]
STATES = ["draft", "submitted", "returned", "published", "expired"]
PUBLIC_STATES = {"published", "expired"}
STAFF_LIKE = {"reviewer", "finance", "training", "leader"}


@pytest.fixture
def actors(employer: User, other_employer: User, office: User, reviewer: User, finance: User) -> dict[str, Any]:
    return {
        "public": None,
        "seeker": register_seeker("matrix-seeker", email="m1@example.com"),
        "other_seeker": register_seeker("matrix-other", email="m2@example.com"),
        "owner": employer,
        "other_enterprise": other_employer,
        "office": office,
        "reviewer": reviewer,
        "finance": finance,
        "training": make_user(Role.TRAINING_INSTITUTION),
        "leader": make_user(Role.CITY_LEADER),
    }


@pytest.fixture
def clients(actors: dict[str, Any], client_for: Callable[[User | None], Client]) -> dict[str, Client]:
    return {name: client_for(user) for name, user in actors.items()}


@pytest.fixture
def postings(make_posting: Any) -> dict[str, Posting]:
    return {state: make_posting(state, title=f"职位 {state}") for state in STATES}


def expected_detail(role: str, state: str) -> int:
    if state in PUBLIC_STATES or role in ("owner", "office"):
        return 200
    return 404


def expected_edit(role: str, state: str) -> int:
    if role == "public":
        return 302
    if role not in ("owner", "other_enterprise"):
        return 403
    if role == "other_enterprise":
        return 403 if state in PUBLIC_STATES else 404
    return 200 if state in ("draft", "returned") else 302


def expected_applicants(role: str, state: str) -> int:
    if role == "public":
        return 302
    if role == "owner":
        return 200
    if state in PUBLIC_STATES or role == "office":
        return 403
    return 404


@pytest.mark.parametrize("state", STATES)
def test_posting_pages_by_role_and_state(clients: dict[str, Client], postings: dict[str, Posting], state: str) -> None:
    posting = postings[state]
    found: dict[str, tuple[int, int, int, int]] = {}
    wanted: dict[str, tuple[int, int, int, int]] = {}
    for role in ROLES:
        client = clients[role]
        found[role] = (
            client.get(f"/careers/{posting.pk}/").status_code,
            client.get(f"/careers/{posting.pk}/edit/").status_code,
            client.get(f"/careers/{posting.pk}/applicants/").status_code,
            client.get(f"/careers/{posting.pk}/applicants/export/").status_code,
        )
        applicants = expected_applicants(role, state)
        wanted[role] = (expected_detail(role, state), expected_edit(role, state), applicants, applicants)
    assert found == wanted


@pytest.mark.parametrize("state", STATES)
def test_posting_actions_by_role_and_state(
    clients: dict[str, Client], postings: dict[str, Posting], state: str
) -> None:
    """Only the owner submits (from draft or returned) and only the office publishes (from submitted)."""
    posting = postings[state]
    # The roles that may act come last, so that every other role is tried on the state under test.
    for role in [r for r in ROLES if r not in ("owner", "office")] + ["office", "owner"]:
        for action in ("submit", "publish"):
            response = clients[role].post(f"/careers/{posting.pk}/action/", {"action": action})
            posting.refresh_from_db()
            if role == "public":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            elif role in ("owner", "office"):
                assert response.status_code == 302, (role, action)
            elif state in PUBLIC_STATES:
                assert response.status_code == 403, (role, action)
            else:
                assert response.status_code in (403, 404), (role, action)
            assert posting.status == state or (role, action, state) in {
                ("owner", "submit", "draft"),
                ("owner", "submit", "returned"),
                ("office", "publish", "submitted"),
            }, (role, action)
            if posting.status != state:
                return  # moved on: the rest of the matrix for this state is the next state's


def test_role_pages(clients: dict[str, Client]) -> None:
    pages = {
        "/careers/": dict.fromkeys(ROLES, 200),
        "/careers/feed/": dict.fromkeys(ROLES, 200),
        "/careers/talent-catalogue/": dict.fromkeys(ROLES, 200),
        "/careers/me/": {r: 200 if r in ("seeker", "other_seeker") else 302 if r == "public" else 403 for r in ROLES},
        "/careers/mine/": {
            r: 200 if r in ("owner", "other_enterprise") else 302 if r == "public" else 403 for r in ROLES
        },
        "/careers/new/": {
            r: 200 if r in ("owner", "other_enterprise") else 302 if r == "public" else 403 for r in ROLES
        },
        "/careers/review/": {r: 200 if r == "office" else 302 if r == "public" else 403 for r in ROLES},
        "/careers/review/export/": {r: 200 if r == "office" else 302 if r == "public" else 403 for r in ROLES},
        "/careers/register/": {r: 200 if r == "public" else 302 for r in ROLES},
    }
    found = {path: {role: clients[role].get(path).status_code for role in ROLES} for path in pages}
    assert found == pages


def test_cv_and_application_by_role(
    clients: dict[str, Client], actors: dict[str, Any], postings: dict[str, Posting]
) -> None:
    seeker = actors["seeker"]
    candidacy = services.candidacy_create(acting_user=seeker, posting=postings["published"])
    paths = {
        "page": f"/careers/applications/{candidacy.pk}/",
        "cv": f"/careers/applications/{candidacy.pk}/cv/file/",
        "own cv": "/careers/me/cv/file/",
    }
    party = {"seeker", "owner"}
    wanted = {
        "page": {
            r: 200
            if r in party
            else 302
            if r == "public"
            else 404
            if r in ("other_seeker", "other_enterprise")
            else 403
            for r in ROLES
        },
        "cv": {
            r: 200 if r in party else 404 if r in ("public", "other_seeker", "other_enterprise") else 403 for r in ROLES
        },
        # Every job seeker reads their own CV; nobody else has one at this address.
        "own cv": {r: 200 if r in ("seeker", "other_seeker") else 302 if r == "public" else 403 for r in ROLES},
    }
    found = {kind: {role: clients[role].get(path).status_code for role in ROLES} for kind, path in paths.items()}
    assert found == wanted
    for role in ROLES:
        response = clients[role].post(f"/careers/applications/{candidacy.pk}/decide/", {"action": "shortlist"})
        if role == "owner":
            assert response.status_code == 302
        elif role == "public":
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404), role
        withdraw = clients[role].post(f"/careers/applications/{candidacy.pk}/withdraw/")
        if role not in ("seeker", "public"):
            assert withdraw.status_code in (403, 404), role
