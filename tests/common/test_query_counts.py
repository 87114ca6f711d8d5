"""Each page of the load benchmark (benchmarks/load_pages.py) has a pinned number of queries, which must not grow
with the data: a regression (an N+1, a query per series or per period) fails here.

The demo city is built as `make run` builds it (smaller), every page is fetched, then the data grows (more
enterprises, applications and approved statistics) and every page is fetched again with the same count.
Public pages are pinned twice: computing the answer (cache empty) and serving it from the cache.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import verify_second_factor
from waibao.accounts.demo import ensure_demo_accounts
from waibao.accounts.mfa import needs_second_factor
from waibao.accounts.models import User
from waibao.applications.demo import ensure_demo_applications
from waibao.applications.models import Application, ApplicationStatus
from waibao.governance.models import Department
from waibao.registry.demo import create_demo_enterprises
from waibao.registry.models import Enterprise, EnterpriseStatus, ServiceCategory
from waibao.statistics.demo import create_demo_statistics
from waibao.statistics.services import contracts_import

# page → (who, most queries computing the page with the cache empty, most queries with the cache filled).
# The enterprise list's filter options come from the cache (the registry's version). Staff pages: +1 for the two-factor
# device check; public figures: disclosure control (issue 8 §2) runs a fixed set of aggregate queries for the
# page's tables and their complementary suppression, once per cache fill (one aggregate a year for the headline,
# category and zone tables). The cockpit caches its statistics figures. The website's pages, the careers list and
# the public API's lists: whole pages from the public cache for anonymous readers (`public_cache.public_page`).
PAGES: dict[str, tuple[str, int, int]] = {
    "/": ("public", 8, 0),  # with the latest news and notices of the website
    "/statistics/figures/": ("public", 18, 0),
    "/notice/": ("public", 2, 0),
    "/api/v1/statistics/headline": ("public", 18, 0),
    "/api/v1/registry/zones": ("public", 1, 0),
    "/registry/enterprises/": ("office", 10, 7),
    "/applications/queue/": ("office", 7, 7),  # overdue from the stored step deadline: no routing query
    "/ledger/": ("office", 7, 7),  # the budget years from the by-year totals
    "/statistics/": ("office", 13, 4),  # zones, categories, ownership from the registry's cached options
    "/statistics/goal/": ("office", 7, 4),
    "/applications/": ("enterprise", 4, 4),  # -1: a list that fits on its first page is not counted
    "/registry/my/": ("enterprise", 10, 7),  # names from the registry's cached options (+3 once per version)
    "/governance/duties/": ("office", 8, 6),  # the duties' lines and the filter's departments cached; the page's names
    "/governance/meetings/": ("office", 5, 5),  # in pages; a list that fits on its first page is not counted
    "/governance/cockpit/": ("office", 20, 9),  # settled figures in one cache entry; live: fund, stages, subsidies
    # Issues 12–15: casework, talent, careers, top ten, promotion, the website, open data, the public API.
    "/cases/workbench/": ("office", 7, 7),  # the cases with their stored histories: no history query
    "/cases/board/": ("office", 11, 10),  # open cases; finished ones counted in SQL; +2: latest 50s join their cases
    "/talent/programmes/": ("office", 7, 7),  # the count with those waiting for recognition; the page's trainees
    "/careers/": ("public", 4, 0),
    "/topten/": ("public", 1, 1),
    "/topten/runs/": ("office", 6, 6),  # +1: the list comes in pages (the paginator's count)
    "/promotion/": ("office", 8, 6),  # the filters' departments and zones cached
    "/promotion/list/": ("office", 9, 7),  # the filters' departments and zones cached
    "/site/news/2026-forum-review/": ("public", 12, 0),
    "/site/library/": ("public", 4, 0),
    "/open-data/": ("public", 1, 0),
    "/open-data/catalogue.jsonld": ("public", 12, 0),  # two per registered dataset (six), uncached
    "/api/v1/registry/departments": ("public", 3, 0),
    "/api/v1/applications/notice": ("public", 1, 0),
    "/api/v1/careers/postings": ("public", 2, 0),
    "/api/v1/opendata/datasets": ("public", 1, 1),
    "/api/v1/policy/rules": ("public", 0, 0),
    "/api/v1/workdays/years": ("public", 1, 1),
}


def counts(clients: dict[str, Client]) -> dict[str, tuple[int, int]]:
    """Per page: queries with the cache empty, then with it filled by that first request."""
    found: dict[str, tuple[int, int]] = {}
    for path, (who, _cold, _warm) in PAGES.items():
        clients[who].get(path)  # a first visit may refresh the session (a write, at most once a minute)
        cache.clear()
        with CaptureQueriesContext(connection) as computing:
            assert clients[who].get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as cached:
            assert clients[who].get(path).status_code == 200, path
        found[path] = (len(computing), len(cached))
    return found


def grow(*, enterprises: int) -> None:
    """More enterprises, applications in every waiting state, and approved statistics in more months."""
    create_demo_enterprises(count=enterprises, seed=2007)
    recognised = list(Enterprise.objects.filter(status=EnterpriseStatus.RECOGNISED).order_by("pk")[:60])
    department = Department.objects.get(code="trade-industry")
    statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.RECOMMENDED,
                ApplicationStatus.IN_NOTICE, ApplicationStatus.COMMITTED]  # fmt: skip
    today = timezone.localdate()
    rows = []
    for n, enterprise in enumerate(recognised):
        status = statuses[n % len(statuses)]
        approved = status in (ApplicationStatus.IN_NOTICE, ApplicationStatus.COMMITTED)
        rows.append(
            Application(
                enterprise=enterprise, rule_id="HZ-15", year=2000 + n % 9, status=status, department=department,
                fund_code="special_fund", basis="fixed", calculated_amount_cny=Decimal("1000.00"),
                recommended_amount_cny=Decimal("1000.00"), approved_amount_cny=Decimal("1000.00") if approved else None,
                notice_starts_on=today if status == ApplicationStatus.IN_NOTICE else None,
                notice_ends_on=today + datetime.timedelta(days=6) if status == ApplicationStatus.IN_NOTICE else None,
                status_changed_at=timezone.now() - datetime.timedelta(days=n), submitted_at=timezone.now(),
            )
        )  # fmt: skip
    Application.objects.bulk_create(rows)
    category = ServiceCategory.objects.filter(parent__isnull=False).order_by("code").first()
    assert category is not None
    contracts = "credit_code,contract_no,client_name,client_country,category,currency,amount,signed_date\n" + "".join(
        f"{e.credit_code},GROW-{n},Client,{'US' if n % 2 else 'JP'},{category.code},USD,1000,2008-{n % 12 + 1:02d}-15\n"
        for n, e in enumerate(recognised)
    )
    contracts_import(acting_user=None, stream=io.BytesIO(contracts.encode()), filename="grow.csv", approve=True)


@pytest.mark.slow
def test_page_query_counts_are_pinned_and_do_not_grow_with_the_data(db: None, settings: Any) -> None:
    settings.SESSION_REFRESH_SECONDS = 24 * 60 * 60  # no session refresh in the middle of a count
    call_command("load_defaults", verbosity=0)
    create_demo_enterprises(count=60, seed=2007)
    create_demo_statistics(seed=2007)
    ensure_demo_accounts()
    ensure_demo_applications()
    for area in ("governance", "topten", "talent", "recruitment", "promotion", "website", "casework"):
        call_command(area, "demo", verbosity=0)  # the later areas' pages, as `make setup-data` builds them
    call_command("opendata", "release", verbosity=0)
    clients = {"public": Client(HTTP_ACCEPT_LANGUAGE="zh-hans")}
    for who in ("office", "enterprise"):
        clients[who] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        user = User.objects.get(username=who)
        clients[who].force_login(user, backend="waibao.accounts.backends.ModelBackend")
        if needs_second_factor(user):
            verify_second_factor(clients[who], user)

    small = counts(clients)
    grow(enterprises=240)
    large = counts(clients)

    assert large == small, "a page's query count grows with the data"
    over = {
        path: (found, PAGES[path][1:])
        for path, found in small.items()
        if found[0] > PAGES[path][1] or found[1] > PAGES[path][2]
    }
    assert not over, f"more queries than pinned (found, pinned): {over}; every page (cache empty, filled): {small}"
