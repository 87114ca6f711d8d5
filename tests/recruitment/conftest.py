"""Fixtures of the recruitment tests: an enterprise that posts, a job seeker with a CV, postings in each state."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.factories import EnterpriseFactory, make_user
from waibao.accounts.models import Role, User
from waibao.recruitment import services
from waibao.recruitment.models import JobSeeker, Posting
from waibao.registry.models import ServiceCategory, Zone

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TODAY = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the platform's today (services check it)
VALID_ID = "33010619900101123X"  # a resident identity number with its correct GB 11643 check character


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield


@pytest.fixture
def employer(dataset: Path) -> User:
    enterprise = EnterpriseFactory(status="recognised", zone=Zone.objects.get(code="htz"), address="文三路 90 号")
    return make_user(Role.ENTERPRISE, username="employer", enterprise=enterprise, email="hr@example.com")


@pytest.fixture
def other_employer(dataset: Path) -> User:
    return make_user(Role.ENTERPRISE, username="other-employer", enterprise=EnterpriseFactory(status="recognised"))


def register_seeker(username: str = "seeker", *, cv: bool = True, email: str = "seeker@example.com") -> User:
    user = services.job_seeker_register(
        username=username, password="Correct-Horse-9", full_name="王小明", email=email, phone="13800000000"
    )
    if cv:
        services.cv_upload(acting_user=user, seeker=user.job_seeker, stream=io.BytesIO(PDF), name="cv.pdf")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def seeker(dataset: Path) -> User:
    return register_seeker()


@pytest.fixture
def other_seeker(dataset: Path) -> User:
    return register_seeker("seeker2", email="other@example.com")


def fields(**overrides: Any) -> services.PostingFields:
    values: dict[str, Any] = {
        "title": "Java 软件工程师",
        "category": ServiceCategory.objects.get(code="ito-software-dev"),
        "zone": None,
        "languages": ["zh", "ja"],
        "salary_min_cny": Decimal("9000"),
        "salary_max_cny": Decimal("15000"),
        "openings": 2,
        "description": "负责对日软件外包项目的开发。",
        "closing_date": TODAY + datetime.timedelta(days=30),
    }
    values.update(overrides)
    return services.PostingFields(**values)


@pytest.fixture
def make_posting(employer: User, office: User) -> Callable[..., Posting]:
    """A posting of `employer` carried to `state` (draft, submitted, returned, published, expired)."""

    def make(state: str = "published", *, by: User | None = None, **overrides: Any) -> Posting:
        owner = by or employer
        if state == "expired" and "closing_date" not in overrides:
            overrides["closing_date"] = TODAY + datetime.timedelta(days=1)  # only this one closes
        posting = services.posting_save(acting_user=owner, fields=fields(**overrides), today=TODAY)
        if state == "draft":
            return posting
        posting = services.posting_transition(acting_user=owner, posting=posting, action="submit", today=TODAY)
        if state == "submitted":
            return posting
        if state == "returned":
            return services.posting_transition(
                acting_user=office, posting=posting, action="return", reason="请补充薪资", today=TODAY
            )
        posting = services.posting_transition(acting_user=office, posting=posting, action="publish", today=TODAY)
        if state == "expired":
            services.postings_expire(today=posting.closing_date + datetime.timedelta(days=1))
            posting.refresh_from_db()
        return posting

    return make


def seeker_profile(user: User) -> JobSeeker:
    return JobSeeker.objects.get(user=user)
