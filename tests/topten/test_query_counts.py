"""The top-ten list pages run a fixed number of queries, whatever the number of enterprises (no N+1)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.topten.conftest import YEAR
from waibao.applications import services as application_services
from waibao.topten import services

pytestmark = pytest.mark.django_db


def _counts(city, office, client_for, monkeypatch, n: int) -> dict[str, int]:
    city(n)
    run = services.run_create(acting_user=office, year=YEAR)
    services.run_open_notice(acting_user=office, run=run)
    later = timezone.localdate() + datetime.timedelta(days=8)
    monkeypatch.setattr(application_services, "today", lambda: later)
    services.run_publish(acting_user=office, run=run)
    pages = {
        f"/topten/{run.pk}/": client_for(None),
        "/topten/": client_for(None),
        f"/topten/runs/{run.pk}/": client_for(office),
        "/topten/runs/": client_for(office),
        "/topten/reports/": client_for(office),
    }
    found = {}
    for path, client in pages.items():
        client.get(path)  # a first visit may refresh the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        found[path.replace(str(run.pk), "N")] = len(queries)
    return found


# page → most queries (the same for 11 and for 40 enterprises in the run).
# The list of runs: +1 for its pages (the paginator's count). The public index: served whole from the cache.
PINNED = {"/topten/N/": 15, "/topten/": 0, "/topten/runs/N/": 11, "/topten/runs/": 6, "/topten/reports/": 6}


@pytest.mark.parametrize("n", [11, 40])
def test_list_pages_do_not_grow_with_the_enterprises(city, office, client_for, monkeypatch, n: int) -> None:
    found = _counts(city, office, client_for, monkeypatch, n)
    assert found == PINNED, found


def test_the_public_index_shows_a_published_list_at_once(city, office, client_for, monkeypatch) -> None:
    """The index is served whole from the cache to the public until a list is published (run_publish marks the
    area changed on commit)."""

    def listed(html: str) -> str:
        return html.split('<ul id="published-lists">', 1)[1].split("</ul>", 1)[0]

    city(3)
    public = client_for(None)
    run = services.run_create(acting_user=office, year=YEAR)
    services.run_open_notice(acting_user=office, run=run)
    link = f'href="/topten/{run.pk}/"'
    assert link not in listed(public.get("/topten/").content.decode())
    assert link not in listed(public.get("/topten/").content.decode())  # from the cache
    later = timezone.localdate() + datetime.timedelta(days=8)
    monkeypatch.setattr(application_services, "today", lambda: later)
    services.run_publish(acting_user=office, run=run)
    assert link in listed(public.get("/topten/").content.decode())
