"""The open-data pages run a pinned number of queries, whatever the number of releases; cached, none."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from waibao.accounts.models import User
from waibao.opendata.models import Release, ReleaseFile
from waibao.opendata.services import release_publish

pytestmark = pytest.mark.django_db

# page → (queries with the cache empty, queries with the cache filled)
PAGES = {
    "/open-data/": (1, 0),
    "/open-data/indicators/": (2, 0),
    # per registered dataset (six: top ten and case handling added): its releases, and the latest one's files
    "/open-data/catalogue.jsonld": (8, 0),
    "/api/v1/opendata/datasets": (1, 0),
    "/open-data/indicators/v1.csv": (2, 2),
}


def counts(client: Client) -> dict[str, tuple[int, int]]:
    found = {}
    for path in PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as computing:
            assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as cached:
            assert client.get(path).status_code == 200, path
        found[path] = (len(computing), len(cached))
    return found


def test_open_data_pages_query_counts_do_not_grow_with_releases(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    release_publish(dataset="indicators", acting_user=office)
    release_publish(dataset="policy-package", acting_user=office)
    public = client_for(None)
    first = counts(public)
    assert first == PAGES, first
    # More releases (forged as new versions of the same content: the pages list them all).
    latest = Release.objects.get(dataset="indicators")
    for version in range(2, 6):
        fields = {f.name: getattr(latest, f.name) for f in Release._meta.concrete_fields if f.name not in ("id",)}
        fields["version"] = version
        clone = Release.objects.create(**fields)
        ReleaseFile.objects.bulk_create(
            ReleaseFile(release=clone, format=f.format, content=f.content, size=f.size, sha256=f.sha256)
            for f in ReleaseFile.objects.filter(release=latest)
        )
    assert counts(public) == first


def test_the_public_catalogue_shows_a_new_release_at_once(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    """The catalogue, its DCAT form and the API's list are served whole from the cache to the public, until a
    release is published (the service marks the area changed on commit)."""
    public = client_for(None)
    paths = ("/open-data/", "/open-data/catalogue.jsonld", "/api/v1/opendata/datasets")
    before = {path: public.get(path).content.decode() for path in paths}
    release_publish(dataset="indicators", acting_user=office)
    for path in paths:
        after = public.get(path).content.decode()
        assert after != before[path], path
        assert "/open-data/indicators/v1" in after or '"version": 1' in after or "v1" in after, path
