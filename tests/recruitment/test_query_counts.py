"""The recruitment site's list pages run a fixed number of queries, whatever the number of postings and
applicants (no query per row). The pins are the counts measured; a change that adds queries must say why.
Public pages are counted with the public cache empty (tests/common/test_query_counts.py pins them served from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.recruitment.conftest import register_seeker
from waibao.accounts.models import User
from waibao.recruitment import services

pytestmark = pytest.mark.django_db

# page (with {posting} for the posting that has applicants) → (who, queries)
PAGES: dict[str, tuple[str, int]] = {
    "/careers/": ("public", 4),
    "/careers/?language=ja&salary=8000-12000&category=ito": ("public", 4),
    "/careers/feed/": ("public", 1),
    "/careers/mine/": ("employer", 5),
    "/careers/{posting}/applicants/": ("employer", 5),
    "/careers/review/": ("office", 7),
    "/careers/me/": ("seeker", 8),
}


def _grow(make_posting: Any, seekers: list[User], n: int) -> Any:
    first = None
    for i in range(n):
        posting = make_posting("published", title=f"职位 {i}")
        make_posting("submitted", title=f"待审 {i}")
        first = first or posting
    for seeker in seekers:
        for posting in [first]:
            services.candidacy_create(acting_user=seeker, posting=posting)
    return first


def _counts(clients: dict[str, Client], posting_id: int) -> dict[str, int]:
    found = {}
    for path, (who, _pin) in PAGES.items():
        url = path.format(posting=posting_id)
        clients[who].get(url)  # a first visit may refresh the session
        if who == "public":
            cache.clear()  # the public list comes from the public cache: count what filling it costs
        with CaptureQueriesContext(connection) as queries:
            response = clients[who].get(url)
        assert response.status_code == 200, url
        found[path] = len(queries)
    return found


def test_list_pages_do_not_grow_with_the_data(
    make_posting: Any, employer: User, office: User, client_for: Callable[[User | None], Client]
) -> None:
    seekers = [register_seeker(f"q{i}", email=f"q{i}@example.com") for i in range(3)]
    posting = _grow(make_posting, seekers, 3)
    clients = {
        "public": client_for(None),
        "employer": client_for(employer),
        "office": client_for(office),
        "seeker": client_for(seekers[0]),
    }
    small = _counts(clients, posting.pk)
    more = [register_seeker(f"r{i}", email=f"r{i}@example.com") for i in range(6)]
    _grow(make_posting, more, 12)
    for seeker in more:
        services.candidacy_create(acting_user=seeker, posting=posting)
    large = _counts(clients, posting.pk)
    assert large == small, "a page's queries grew with the data"
    assert small == {path: pin for path, (_who, pin) in PAGES.items()}
