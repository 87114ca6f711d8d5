"""Bulk writes without a model instance per row, for imports and rollup maintenance at scale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from waibao.common.models import MoneyField
from waibao.common.money import to_fen


def insert_rows(model: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]], *, batch_size: int = 2000) -> None:
    """Insert many rows with executemany: the import hot path, without a model instance per row.

    The columns must be every column of the table but the id (checked here, so a new field cannot be
    silently left out); values are in the database's form, except money: Decimal amounts are turned into
    the integer fen a money column holds here (so no caller writes yuan into a fen column).
    """
    fields = {f.column: f for f in model._meta.concrete_fields if not f.primary_key}
    if set(columns) != set(fields):
        raise RuntimeError(f"{model.__name__} insert columns out of date: {sorted(set(fields) ^ set(columns))}")
    money = [i for i, c in enumerate(columns) if isinstance(fields[c], MoneyField)]
    if money:
        rows = (_fen(row, money) for row in rows)
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


def _fen(row: tuple[Any, ...], money: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in money:
        if values[i] is not None:
            values[i] = to_fen(values[i])
    return tuple(values)
