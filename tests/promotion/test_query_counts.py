"""The board, the list and the figures take a pinned number of queries, which does not grow with the projects."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from waibao.accounts.models import User
from waibao.promotion import services
from waibao.promotion.models import Project

pytestmark = pytest.mark.django_db

# page → most queries (session and user, two-factor check, calendar stamp, rates …; the filters' departments and
# zones and, on a second visit, the board's and the list's rows come from the cache)
PAGES = {
    "/promotion/": 5,
    "/promotion/list/": 6,
    "/promotion/figures/?year=2007": 8,
    "/api/v1/promotion/projects": 4,
}


def _counts(client: Client) -> dict[str, int]:
    found = {}
    for path in PAGES:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        found[path] = len(queries)
    return found


def _grow(office: User, make_project: Callable[..., Project], n: int) -> None:
    for i in range(n):
        project = make_project(title=f"项目{i}", currency=("USD", "JPY", "HKD")[i % 3])
        services.project_set_next_action(  # from a day the shipped calendar holds five working days after
            acting_user=office, project=project, text="回访", working_days=1 + i % 5, today=datetime.date(2026, 6, 1)
        )
        for name in ("contact", "negotiate", "sign")[: i % 4]:
            project = services.project_transition(
                acting_user=office, project=project, name=name, on=datetime.date(2007, 2, 1)
            )


def test_pipeline_pages_have_pinned_query_counts(
    office: User,
    make_project: Callable[..., Project],
    client_for: Callable[[User | None], Client],
    rates: None,
    settings: Any,
) -> None:
    settings.SESSION_REFRESH_SECONDS = 24 * 60 * 60
    client = client_for(office)
    _grow(office, make_project, 3)
    small = _counts(client)
    _grow(office, make_project, 12)
    large = _counts(client)
    assert large == small, "a page's query count grows with the projects"
    over = {path: (n, PAGES[path]) for path, n in small.items() if n > PAGES[path]}
    assert not over, f"more queries than pinned (found, pinned): {over}"
