"""The personal-data crawl over the recruitment site: after job seekers gave their identity numbers, phones and
e-mail addresses, applied and were hired, no public page, feed or API answer shows any of it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from tests.recruitment.conftest import PDF, TODAY, register_seeker
from waibao.accounts.models import User
from waibao.common.personal_id import EMAIL_IN_TEXT, MOBILE_IN_TEXT, RESIDENT_ID_IN_TEXT
from waibao.recruitment import services

pytestmark = pytest.mark.django_db

PEOPLE = [("赵一", "330106199503152016", "13912345678"), ("钱二", "330106199604203011", "13787654321")]


def _links(html: str, base: str) -> list[str]:
    out = []
    for href in re.findall(r'href="([^"#]+)', html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(("/static/", "/admin/")):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_no_public_page_feed_or_api_answer_shows_a_job_seeker(
    make_posting: Any, employer: User, client_for: Callable[[User | None], Client]
) -> None:
    postings = [make_posting("published", title=f"职位 {n}") for n in range(3)]
    secrets: list[str] = []
    for n, (name, number, mobile) in enumerate(PEOPLE):
        user = services.job_seeker_register(
            username=f"p{n}", password="Correct-Horse-9", full_name=name, email=f"p{n}@example.com", phone=mobile
        )
        seeker = services.job_seeker_update(
            acting_user=user,
            seeker=user.job_seeker,
            full_name=name,
            phone=mobile,
            education="浙江大学",
            graduation_year=TODAY.year,
            languages=["zh"],
            summary="自我介绍",
            id_type="resident_id",
            id_number=number,
        )
        services.cv_upload(acting_user=user, seeker=seeker, stream=io.BytesIO(PDF), name=f"{name}-简历.pdf")
        candidacy = services.candidacy_create(acting_user=user, posting=postings[0], letter=f"我是{name}")
        if n == 0:
            services.candidacy_hire(
                acting_user=employer,
                candidacy=candidacy,
                contract_date=TODAY,
                proof_kind="labour_contract",
                proof_stream=io.BytesIO(PDF),
                proof_name="合同.pdf",
                today=TODAY,
            )
        secrets += [name, number, mobile, f"p{n}@example.com", f"{name}-简历.pdf", f"我是{name}"]
    register_seeker("outsider", email="outsider@example.com")
    public = client_for(None)
    queue = ["/careers/", "/careers/?closed=on", "/careers/talent-catalogue/", "/careers/feed/"]
    queue += [f"/careers/{p.pk}/" for p in postings]
    queue += ["/api/v1/careers/postings"] + [f"/api/v1/careers/postings/{p.pk}" for p in postings]
    seen: set[str] = set()
    answered = 0
    while queue and len(seen) < 200:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = public.get(url)
        if response.status_code != 200:
            continue
        answered += 1
        text = response.content.decode()
        for pattern in (RESIDENT_ID_IN_TEXT, MOBILE_IN_TEXT, EMAIL_IN_TEXT):
            found = pattern.search(text)
            assert found is None, f"{url} shows {found.group(0) if found else ''}"
        for secret in secrets:
            assert secret not in text, f"{url} shows {secret}"
        if "html" in response.get("Content-Type", "") and url.startswith("/careers/"):
            queue += [link for link in _links(text, url) if link.startswith("/careers/") and link not in seen]
    assert answered >= 10
