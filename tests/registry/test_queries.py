"""The enterprise list costs the same number of queries whatever the page size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from waibao.accounts.models import User
from waibao.registry.demo import create_demo_enterprises

pytestmark = pytest.mark.django_db


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_fixed_query_count_for_every_page_size(office: User, client_for: Callable[[User | None], Client]) -> None:
    create_demo_enterprises(count=250, seed=1)
    client = client_for(office)
    cold = count_queries(client, "/registry/enterprises/")  # fills the cached filter options (once per version)
    counts = {size: count_queries(client, f"/registry/enterprises/?per_page={size}") for size in (20, 50, 100)}
    assert cold == counts[20] + 3  # zones, categories and ownership types, read once into the cache
    filtered = count_queries(client, "/registry/enterprises/?per_page=100&zone=htz&category=ito&sort=-capital")
    assert len(set(counts.values())) == 1, counts
    assert filtered == counts[20]
    assert counts[20] <= 13  # 12, and one for the staff member's two-factor device (django-otp, per request)
