"""The API against its own OpenAPI schema, as every role (public, enterprise, office, reviewer, finance,
leader): schemathesis generates requests for every operation, in-process against the WSGI application, and
every answer must be free of server errors and match the schema documented for its status. Bounded
examples keep the run short (the issue's CI run)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.signals import request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.factories import make_user
from waibao.accounts.models import Role, User
from waibao.api.scopes import all_scopes
from waibao.api.services import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]
EXAMPLES = 2


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Run requests in this test's transaction (as Django's test client does): no connection is closed."""
    request_started.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)


@pytest.fixture
def city(office: User, recorder: Callable[..., Any], dataset: object) -> None:
    from tests.factories import EnterpriseFactory
    from waibao.opendata.services import release_publish
    from waibao.registry.models import Zone

    zone = Zone.objects.get(code="htz")
    for n in range(3):
        recorder(EnterpriseFactory(zone=zone), "100000", executed="50000", no=f"S{n}")
    release_publish(dataset="policy-package", acting_user=office)
    release_publish(dataset="indicators", acting_user=office)


def _token(user: User) -> str:
    return token_create(
        acting_user=user,
        name="schemathesis",
        scopes=all_scopes(),
        days=30,
        verified_session=True,
        rate_per_minute=100_000,
    ).raw


@pytest.mark.parametrize("role", ["public", "enterprise", "office", "reviewer", "finance", "leader"])
def test_every_operation_answers_within_its_schema(
    role: str,
    city: None,
    wsgi_in_test_transaction: None,
    enterprise_user: User,
    office: User,
    reviewer: User,
    finance: User,
) -> None:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from config.wsgi import application

    users = {
        "enterprise": enterprise_user,
        "office": office,
        "reviewer": reviewer,
        "finance": finance,
        "leader": make_user(Role.CITY_LEADER, username="leader"),
    }
    headers = {"Authorization": f"Bearer {_token(users[role])}"} if role in users else {}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    statuses: dict[int, int] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except Exception as exc:  # collect every failing operation, then report them together
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {exc}"[:800])

        check()
    assert operations > 30
    # The examples reach the endpoints' work, not only their refusals (the public may call few operations).
    reached = sum(n for status, n in statuses.items() if status < 300)
    assert reached >= operations // (8 if role == "public" else 4), statuses
    assert not failures, "\n".join(failures[:20])
