"""Bulk writes without a model instance per row, for imports and rollup maintenance at scale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def insert_rows(model: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]], *, batch_size: int = 2000) -> None:
    """Insert many rows with executemany: the import hot path, without a model instance per row.

    The columns must be every column of the table but the id (checked here, so a new field cannot be
    silently left out); values are already in the database's form.
    """
    expected = {f.column for f in model._meta.concrete_fields if not f.primary_key}
    if set(columns) != expected:
        raise RuntimeError(f"{model.__name__} insert columns out of date: {sorted(expected ^ set(columns))}")
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - identifiers from the model, never input
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
