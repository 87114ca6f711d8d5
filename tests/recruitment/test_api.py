"""The read-only JSON API of the recruitment site: published postings only, filters checked, no person's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.recruitment.conftest import VALID_ID
from waibao.accounts.models import User
from waibao.recruitment import services

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


def test_the_list_has_published_postings_only(make_posting: Any, client_for: ClientFor) -> None:
    published = make_posting("published")
    make_posting("draft", title="草稿")
    closed = make_posting("expired", title="已截止")
    body = client_for(None).get("/api/v1/careers/postings").json()
    assert body["count"] == 1 and body["results"][0]["id"] == published.pk
    row = body["results"][0]
    assert row["salary_min_cny"] == "9000.00" and row["languages"] == ["ja", "zh"]
    assert row["url"].endswith(f"/careers/{published.pk}/")
    with_closed = client_for(None).get("/api/v1/careers/postings?include_closed=true").json()
    assert {r["id"] for r in with_closed["results"]} == {published.pk, closed.pk}
    assert client_for(None).get("/api/v1/careers/postings?language=ja&salary_band=12000-20000").json()["count"] == 1
    assert client_for(None).get("/api/v1/careers/postings?language=en").json()["count"] == 0


@pytest.mark.parametrize(
    "query", ["category=nope", "zone=nope", "language=xx", "salary_band=lots", "page=0", "page_size=1000", "page=9"]
)
def test_bad_parameters_are_a_422_with_a_stable_body(make_posting: Any, client_for: ClientFor, query: str) -> None:
    make_posting("published")
    response = client_for(None).get(f"/api/v1/careers/postings?{query}")
    assert response.status_code == 422
    assert set(response.json()["error"]) >= {"code", "message"}


def test_one_posting_follows_the_access_check(
    make_posting: Any, client_for: ClientFor, employer: User, seeker: User
) -> None:
    services.job_seeker_update(
        acting_user=seeker,
        seeker=seeker.job_seeker,
        full_name="王小明",
        phone="",
        education="",
        graduation_year=None,
        languages=[],
        summary="",
        id_type="resident_id",
        id_number=VALID_ID,
    )
    published = make_posting("published")
    services.candidacy_create(acting_user=seeker, posting=published)
    draft = make_posting("draft", title="草稿")
    public = client_for(None).get(f"/api/v1/careers/postings/{published.pk}")
    assert public.status_code == 200
    data = public.json()
    assert data["job_posting"]["@type"] == "JobPosting" and data["description"]
    assert VALID_ID not in public.content.decode() and "王小明" not in public.content.decode()
    assert client_for(None).get(f"/api/v1/careers/postings/{draft.pk}").status_code == 404
    assert client_for(employer).get(f"/api/v1/careers/postings/{draft.pk}").status_code == 200
