"""Reading the row locks a piece of code takes, from the SQL it sends (PostgreSQL; SQLite has no FOR UPDATE)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

_LOCK = re.compile(r"FOR (?:NO KEY )?UPDATE(?: OF (?P<of>.+?))?(?: NOWAIT| SKIP LOCKED)?\s*$")


def locked_tables(sql: str) -> set[str]:
    """The tables a SELECT ... FOR UPDATE locks: those named after OF, or every table of the FROM and JOINs."""
    match = _LOCK.search(sql)
    if match is None:
        return set()
    if match.group("of"):
        return {t.strip().strip('"') for t in match.group("of").split(",")}
    return set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))


@contextmanager
def row_locks() -> Iterator[list[set[str]]]:
    """Collects, per locking statement run inside the block, the set of tables it locks."""
    if not connection.features.has_select_for_update_of:
        pytest.skip("row locks are taken on PostgreSQL (`make test` runs this there too)")
    found: list[set[str]] = []
    with CaptureQueriesContext(connection) as captured:
        yield found
    found.extend(
        locked_tables(q["sql"]) for q in captured.captured_queries if "FOR " in q["sql"] and "UPDATE" in q["sql"]
    )
    found[:] = [f for f in found if f]
