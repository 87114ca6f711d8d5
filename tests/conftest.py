"""Suite-wide fixtures: the default data set, one user per role, clients signed in as each."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import EnterpriseFactory, make_user, verify_second_factor
from waibao.accounts.mfa import needs_second_factor
from waibao.accounts.models import Role, User
from waibao.governance.dataset import load_governance_dataset
from waibao.registry.dataset import load_registry_dataset

PASSWORD = "Correct-Horse-9"

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a thread
# with a running loop unless told the calls are safe (they are: the loop is Playwright's, not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Cached public answers must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def dataset(db: None) -> Path:
    """The default data set (zones, categories, ownership types, departments) loaded into the test database.

    Most tests ask for it, and loading it (reading the YAML, checking every entry) costs more than the test:
    the first load of a run goes through the loaders; its rows are kept, and later tests get the same rows
    inserted directly (one INSERT per table) whenever the tables it fills are empty, as they are in a fresh
    test. Anything else (a test that put its own zones in first) goes through the loaders again."""
    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    if not _DATASET_SNAPSHOT.restore():
        _DATASET_SNAPSHOT.load(lambda: (load_registry_dataset(folder), load_governance_dataset(folder)))
    return folder


class _Snapshot:
    """The rows one loading wrote, per model, to put back without running the loader."""

    def __init__(self) -> None:
        self.rows: list[tuple[type[Any], list[Any]]] | None = None

    @staticmethod
    def _models() -> list[type[Any]]:
        from django.apps import apps

        return [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]

    def load(self, loader: Callable[[], object]) -> None:
        if self.rows is not None:
            loader()
            return
        models = self._models()
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        loader()
        written = []
        for model in models:
            rows = [row for row in model._base_manager.order_by("pk") if row.pk not in before[model]]
            if rows and before[model]:
                return  # loaded beside rows already there (a test's own, or a migration's): not a clean copy
            if rows:
                written.append((model, rows))
        self.rows = written

    def restore(self) -> bool:
        from django.core.management.color import no_style
        from django.db import connection, transaction

        if self.rows is None or any(model._base_manager.exists() for model, _ in self.rows):
            return False
        with transaction.atomic(), connection.cursor() as cursor:  # references are checked at the end
            for model, rows in self.rows:
                model._base_manager.bulk_create(rows)
            for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in self.rows]):
                cursor.execute(sql)
        return True


_DATASET_SNAPSHOT = _Snapshot()


@pytest.fixture
def office(dataset: Path) -> User:
    return make_user(Role.PROGRAMME_OFFICE, username="office")


@pytest.fixture
def reviewer(dataset: Path) -> User:
    from waibao.governance.models import Department

    return make_user(
        Role.DEPARTMENT_REVIEWER,
        username="reviewer",
        department=Department.objects.get(code="trade-industry"),
    )


@pytest.fixture
def finance(dataset: Path) -> User:
    return make_user(Role.FINANCE_OFFICER, username="finance")


@pytest.fixture
def enterprise_user(dataset: Path) -> User:
    """A user of a recognised service-outsourcing enterprise (the status that may apply for rewards)."""
    return make_user(Role.ENTERPRISE, username="ent", enterprise=EnterpriseFactory(status="recognised"))


@pytest.fixture
def other_enterprise_user(dataset: Path) -> User:
    return make_user(Role.ENTERPRISE, username="ent2", enterprise=EnterpriseFactory(status="recognised"))


@pytest.fixture
def training_user(dataset: Path) -> User:
    return make_user(Role.TRAINING_INSTITUTION, username="trainer")


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client signed in as `user` (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="waibao.accounts.backends.ModelBackend")
            if needs_second_factor(user):
                verify_second_factor(client, user)
        return client

    return make


_APPEND_ONLY_TRIGGERS: list[str] = []


def _uses_db(request: pytest.FixtureRequest) -> tuple[bool, bool]:
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = bool(
        "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction"))
    )
    return bool(marker or "db" in names or transactional), transactional


@pytest.fixture(autouse=True)
def _append_only_triggers_survive_flush(request: pytest.FixtureRequest) -> object:
    """On SQLite, the append-only triggers (audit, ledger) also refuse the DELETEs with which Django empties
    the database after a transactional test. Drop them just before that flush and put them back for the
    next test, so every test runs with the triggers in place."""
    uses_db, transactional = _uses_db(request)
    if not uses_db:
        yield None
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    if connection.vendor == "postgresql":
        yield from _truncate_triggers_survive_flush(connection, transactional)
        return
    if connection.vendor != "sqlite":
        yield None
        return
    with connection.cursor() as cursor:
        if not _APPEND_ONLY_TRIGGERS:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%append-only%'")
            _APPEND_ONLY_TRIGGERS.extend(
                row[0]
                .replace("CREATE TRIGGER IF NOT EXISTS", "CREATE TRIGGER")
                .replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)
                for row in cursor.fetchall()
            )
        for sql in _APPEND_ONLY_TRIGGERS:
            cursor.execute(sql)
    yield None
    if transactional:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%append-only%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make test` installs it (scripts/ensure-system-packages.sh)")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _truncate_triggers_survive_flush(connection: Any, transactional: bool) -> Iterator[None]:
    """On PostgreSQL, Django empties the database after a transactional test with TRUNCATE, which the
    append-only tables refuse (BEFORE TRUNCATE triggers): switch those triggers off just for that flush.
    Every test starts with them on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE '%%no_truncate'")
        triggers = cursor.fetchall()
        for table, name in triggers:
            cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
    yield None
    if transactional:
        with connection.cursor() as cursor:
            for table, name in triggers:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')


@pytest.fixture
def work_calendar(db: None) -> Path:
    """The shipped working-day calendar (the confirmed years of the default data set) loaded."""
    from waibao.workdays.dataset import load_calendar_dataset

    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_calendar_dataset(folder)
    return folder


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL test cluster for one test (created here, dropped afterwards)."""
    server = os.environ.get("WAIBAO_TEST_POSTGRES_URL", "").strip()
    if not server:
        message = (
            "WAIBAO_TEST_POSTGRES_URL is unset: run `scripts/test-postgres.sh start` and source var/test-postgres/env"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    import psycopg

    name = f"waibao_test_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The database-free tests (oracles, parsers, property tests of pure functions) give the same answer on every
# database: on PostgreSQL (`make pytest`'s second run) they are left out, since the SQLite run has just run them.
# A test reaches the database through pytest-django's fixtures or marker, or through a subprocess or a command
# given the settings' database; a module that starts one stays in both runs. `sqlite_only` marks a test that
# builds its own SQLite database whatever the settings say.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _reaches_the_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    if names & DATABASE_FIXTURES or item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
        return True
    source = Path(str(item.fspath)).read_text(encoding="utf-8")
    return "subprocess" in source or "call_command" in source or "connection" in source


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    kept, left = [], []
    for item in items:
        database_free = not _reaches_the_database(item)
        (left if database_free or item.get_closest_marker("sqlite_only") else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
