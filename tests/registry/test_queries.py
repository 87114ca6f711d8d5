"""The enterprise list costs the same number of queries whatever the page size."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from waibao.accounts.models import User
from waibao.common.errors import NotFoundError
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


def test_the_list_page_reads_the_rows_the_orm_list_reads_for_every_filter_sort_and_scope(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    """The list page reads its count and rows in plain SQL (`ListedEnterprises`); the export and the API read
    `enterprise_list` through the ORM. Both give the same enterprises in the same order for every filter, sort and
    reader's scope (all, a zone's staff, an enterprise's own user), and the page shows page 2 of them."""
    from tests.factories import make_user
    from waibao.accounts.models import Role
    from waibao.registry.access import enterprises_readable, enterprises_readable_sql
    from waibao.registry.models import Enterprise, Zone
    from waibao.registry.selectors import (
        LIST_FIELDS,
        SORTS,
        EnterpriseFilters,
        ListedEnterprises,
        enterprise_list,
        filter_options,
    )

    create_demo_enterprises(count=120, seed=3)
    zone = Zone.objects.filter(enterprises__isnull=False).order_by("pk").first()
    assert zone is not None
    someone = Enterprise.objects.filter(zone=zone).order_by("pk").first()
    assert someone is not None
    Enterprise.objects.filter(pk=someone.pk).update(name_en="50%_off \\ ltd")  # LIKE's own characters, escaped
    readers = [
        office,
        make_user(Role.DEPARTMENT_REVIEWER, username="zone-staff", zone=zone),
        make_user(Role.ENTERPRISE, username="own", enterprise=someone),
        make_user(Role.JOB_SEEKER, username="seeker"),
    ]
    options = filter_options()
    queries = [
        {},
        {"q": "杭州"},
        {"q": "50%_"},
        {"q": "\\"},
        {"q": someone.credit_code[-6:].lower()},
        {"zone": zone.code},
        {"category": "ito"},
        {"category": "ito-software-dev", "status": "recognised"},
        {"ownership": "100"},
        {"ownership": "170", "zone": zone.code, "q": "公司"},
        *({"sort": sort} for sort in SORTS),
    ]
    for reader in readers:
        for query in queries:
            filters = EnterpriseFilters.from_query(query, options)
            orm = enterprise_list(filters).filter(enterprises_readable(reader)).select_related(None)
            expected = list(orm.values_list(*LIST_FIELDS))
            listed = ListedEnterprises(filters, enterprises_readable_sql(reader))
            assert listed.count() == len(expected), (reader.username, query)
            assert listed[0 : len(expected) + 5] == expected, (reader.username, query)
            assert listed[7:19] == expected[7:19], (reader.username, query)
    assert ListedEnterprises(EnterpriseFilters.from_query({"q": "50%_"}, options), ("", [])).count() == 1
    page_two = client_for(office).get("/registry/enterprises/?sort=-capital&page=2").content.decode()
    second = list(enterprise_list(EnterpriseFilters(sort="-capital")).values_list("pk", flat=True)[20:40])
    assert f'href="/registry/enterprises/{second[0]}/"' in page_two
    assert f'href="/registry/enterprises/{second[-1]}/"' in page_two
    assert "Page 2 of 6" in page_two or "第 2 页，共 6 页" in page_two
    # The page sizes: the shown one in bold, the others linked with the list's query (escaped) and page left out.
    sizes = '<strong>20</strong> <a href="?sort=-capital&per_page=50">50</a> '
    assert sizes + '<a href="?sort=-capital&per_page=100">100</a> </span>' in page_two


def test_an_enterprise_read_by_its_key_is_the_orms_enterprise_field_for_field(office: User) -> None:
    """`access_enterprise(..., related=False)` reads the row in plain SQL through the fields' converters: every
    field has the value and type the ORM gives (money, dates, moments, flags), and the instance is a stored one."""
    from tests.factories import EnterpriseFactory, complete_profile
    from waibao.registry.access import access_enterprise
    from waibao.registry.models import Enterprise

    create_demo_enterprises(count=3, seed=5)
    made = complete_profile(EnterpriseFactory(offshore_focused=True, employees=1234))
    for enterprise in [*Enterprise.objects.exclude(pk=made.pk)[:3], made]:
        read = access_enterprise(office, enterprise.pk, related=False)
        stored = Enterprise.objects.get(pk=enterprise.pk)
        for field in Enterprise._meta.concrete_fields:
            ours, theirs = getattr(read, field.attname), getattr(stored, field.attname)
            assert (ours, type(ours)) == (theirs, type(theirs)), field.name
        assert not read._state.adding and read._state.db == stored._state.db
        assert read.get_status_display() == stored.get_status_display()
    assert read.registered_capital_cny == Decimal("10000000.00") and read.offshore_focused is True
    with pytest.raises(NotFoundError):
        access_enterprise(office, 10**9, related=False)
