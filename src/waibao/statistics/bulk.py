"""Bulk writes without a model instance per row, for imports and rollup maintenance at scale."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

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


class Spool:
    """Rows checked by an import, kept on disk until the short transaction that writes them (issue 9 §1).

    Holding every checked row in memory made a 100,000-row import peak at five times what reading the file
    costs; the rows go to a temporary file in pickled batches instead, and come back batch by batch, so
    memory stays at one batch whatever the file's size. The file is removed when the spool is closed (or
    collected). Rows are plain tuples of values the import made itself: nothing from the file is unpickled
    that the import did not pickle.
    """

    def __init__(self, batch_size: int = 5000) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="waibao-import-")  # noqa: SIM115 - closed in close()
        self._batch: list[tuple[Any, ...]] = []
        self._batch_size = batch_size
        self._count = 0

    def append(self, row: tuple[Any, ...]) -> None:
        self._batch.append(row)
        self._count += 1
        if len(self._batch) >= self._batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                batch = pickle.load(self._file)  # noqa: S301 - our own file, written above
            except EOFError:
                return
            yield from batch

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
