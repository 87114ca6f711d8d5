"""Plain SQL reads of hot pages: a model's table and column by its field, a moment as the ORM reads it.

Some pages (the duty list, the cockpit, the fund card) read a few things on every visit; building those queries
with the ORM cost them more than everything else they do, so they are written once (per process) as SQL from the
models' names, never from input. New plain SQL takes its names from here."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import DatabaseError, connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of the field `name` of `model` (a relation's: its key's column; "pk": the primary key's)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.many_to_many or not field.column:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(field.column)


def table(model: type[models.Model]) -> str:
    """The quoted table of `model`."""
    return connection.ops.quote_name(model._meta.db_table)


def moment_from_db(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A moment as a cursor gives it, aware as the ORM gives it: PostgreSQL's are; SQLite gives a column's as a
    naive datetime and an aggregate's as text, both in the connection's time zone."""
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"not a moment: {value!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, connection.timezone)


class RowQuery:
    """One row (or every row) of `model` by equal values of `where` (its fields), with the forward foreign keys
    `related` joined and, with `lock`, locked for the rest of the transaction (its row only: `FOR UPDATE OF`, where
    the database locks rows). It reads what
    `model.objects.select_for_update(of=("self",)).select_related(*related).filter(...).first()` reads, into model
    instances equal to the ORM's, but its SQL and its columns' converters are built once per process and database
    instead of being compiled on every call.

    For the few reads every write step makes (the application, budget line and commitment locks, a request key's
    entry, the recipients of a notice): at eight writers their compilation was a large part of what a step cost.
    `only` reads just those fields of the row's own model (and its key), the others deferred, as `.only()` does."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        where: tuple[str, ...] = ("pk",),
        related: tuple[str, ...] = (),
        lock: bool = False,
        only: tuple[str, ...] = (),
    ) -> None:
        self.model = model
        self.where = where
        self.related = related
        self.lock = lock
        self.only = only
        self._built: dict[tuple[str, str], _BuiltRowQuery] = {}

    def _build(self) -> _BuiltRowQuery:
        meta = self.model._meta
        q = connection.ops.quote_name
        known = {name for f in meta.concrete_fields for name in (f.name, f.attname)}
        if unknown := sorted(set(self.only) - known):
            raise TypeError(f"{self.model.__name__} has no column for {', '.join(unknown)}")
        # The row's own table by its name, as the ORM writes it (FOR UPDATE OF names it); joined ones as t1, t2 …
        parts: list[tuple[type[models.Model], models.ForeignKey | None, str]] = [(self.model, None, meta.db_table)]
        for i, name in enumerate(self.related, start=1):
            relation = meta.get_field(name)
            if not isinstance(relation, models.ForeignKey):
                raise TypeError(f"{self.model.__name__}.{name} is not a forward foreign key")
            parts.append((relation.related_model, relation, f"t{i}"))  # type: ignore[arg-type]
        columns: list[str] = []
        readers: list[_ModelReader] = []
        for model, field, alias in parts:
            fields = [
                f
                for f in model._meta.concrete_fields
                if field is not None or not self.only or f.primary_key or f.name in self.only or f.attname in self.only
            ]
            start = len(columns)
            columns += [f"{q(alias)}.{q(f.column)}" for f in fields]
            converters = []
            for index, f in enumerate(fields):
                col = f.get_col(alias)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    converters.append((start + index, found, col))
            attnames = tuple(f.attname for f in fields)
            pk_index = start + attnames.index(model._meta.pk.attname)
            readers.append(_ModelReader(model, field, start, len(columns), attnames, converters, pk_index))
        base = q(meta.db_table)
        joins = "".join(
            f" LEFT OUTER JOIN {q(model._meta.db_table)} {q(alias)}"
            f" ON {q(alias)}.{q(model._meta.pk.column)} = {base}.{q(field.column)}"
            for model, field, alias in parts[1:]
            if field is not None
        )
        conditions = " AND ".join(f"{base}.{column(self.model, name)} = %s" for name in self.where)
        ordering = "" if self.where == ("pk",) else f" ORDER BY {base}.{column(self.model, 'pk')}"
        lock = f" FOR UPDATE OF {base}" if self.lock and connection.features.has_select_for_update_of else ""
        select = f"SELECT {', '.join(columns)} FROM {base}{joins} WHERE {conditions}"  # noqa: S608
        return _BuiltRowQuery(
            one=f"{select}{ordering} LIMIT 1{lock}",  # names from the models, values as parameters
            every=f"{select} ORDER BY {base}.{column(self.model, 'pk')}{lock}",
            readers=tuple(readers),
        )

    def _run(self, values: tuple[Any, ...], *, one: bool) -> list[Any]:
        key = (connection.alias, connection.vendor)
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = self._build()
        if len(values) != len(self.where):
            raise TypeError(f"{len(self.where)} values expected, {len(values)} given")
        with connection.cursor() as cursor:
            cursor.execute(built.one if one else built.every, list(values))
            rows = cursor.fetchmany(1) if one else cursor.fetchall()
        out = []
        for found in rows:
            row = list(found)
            instances = [reader.read(row) for reader in built.readers]
            head = instances[0]
            assert head is not None  # the row's own key is never empty
            for reader, instance in zip(built.readers[1:], instances[1:], strict=True):
                assert reader.field is not None
                reader.field.set_cached_value(head, instance)
            out.append(head)
        return out

    def get(self, *values: Any) -> Any:
        """The first row by primary key (its model instance, its related instances attached), or None."""
        found = self._run(values, one=True)
        return found[0] if found else None

    def all(self, *values: Any) -> list[Any]:
        """Every row, in the order of their primary keys."""
        return self._run(values, one=False)


class _ModelReader:
    """One model's columns of a `RowQuery` row, read into an instance as the ORM reads them."""

    def __init__(
        self,
        model: type[models.Model],
        field: models.ForeignKey | None,
        start: int,
        end: int,
        attnames: tuple[str, ...],
        converters: list[tuple[int, list[Any], Any]],
        pk_index: int,
    ) -> None:
        self.model, self.field, self.start, self.end, self.attnames = model, field, start, end, attnames
        self.converters = converters
        self.pk_index = pk_index

    def read(self, row: list[Any]) -> models.Model | None:
        if row[self.pk_index] is None:  # an empty join: no related row
            return None
        for index, functions, expression in self.converters:
            value = row[index]
            for function in functions:
                value = function(value, expression, connection)
            row[index] = value
        return self.model.from_db(connection.alias, self.attnames, row[self.start : self.end])


class _BuiltRowQuery:
    __slots__ = ("every", "one", "readers")

    def __init__(self, *, one: str, every: str, readers: tuple[_ModelReader, ...]) -> None:
        self.one, self.every, self.readers = one, every, readers


class RowInsert:
    """Insert one instance of `model` with SQL built once per process and database: the values prepared as
    `save()` prepares them (`pre_save`, then `get_db_prep_save`), the new key read back into the instance. No
    signals are sent: for models nobody listens to (the audit events, ledger entries and commitments every
    payment writes)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._built: dict[tuple[str, str], tuple[str, tuple[models.Field[Any, Any], ...]]] = {}

    def _parts(self) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
        key = (connection.alias, connection.vendor)
        built = self._built.get(key)
        if built is None:
            meta = self.model._meta
            fields = tuple(f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField)))
            q = connection.ops.quote_name
            sql = (
                f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)})"  # noqa: S608
                f" VALUES ({', '.join(['%s'] * len(fields))})"
            )
            built = self._built[key] = (sql, fields)
        return built

    @property
    def sql(self) -> str:
        """The statement, without a RETURNING clause (`params` gives its values)."""
        return self._parts()[0]

    def params(self, obj: models.Model) -> list[Any]:
        return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self._parts()[1]]

    def saved(self, obj: models.Model, pk: Any) -> None:
        """Mark `obj` as the stored row `pk` (what `save()` leaves behind)."""
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias

    def insert(self, obj: models.Model) -> models.Model:
        sql, _fields = self._parts()
        pk_column = connection.ops.quote_name(self.model._meta.pk.column)
        returning = connection.features.can_return_columns_from_insert
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} RETURNING {pk_column}" if returning else sql, self.params(obj))
            pk = cursor.fetchone()[0] if returning else cursor.lastrowid
        self.saved(obj, pk)
        return obj


class RowUpdate:
    """`obj.save(update_fields=fields)` with its SQL built once per process and database (no signals sent)."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...]) -> None:
        self.model = model
        self.names = fields
        self._built: dict[tuple[str, str], tuple[str, tuple[models.Field[Any, Any], ...]]] = {}

    def save(self, obj: models.Model) -> None:
        key = (connection.alias, connection.vendor)
        built = self._built.get(key)
        if built is None:
            meta = self.model._meta
            fields: list[models.Field[Any, Any]] = []
            for name in self.names:
                field = meta.get_field(name)
                if not isinstance(field, models.Field) or not field.column:
                    raise TypeError(f"{self.model.__name__}.{name} has no column")
                fields.append(field)
            q = connection.ops.quote_name
            assignments = ", ".join(f"{column(self.model, name)} = %s" for name in self.names)
            sql = f"UPDATE {q(meta.db_table)} SET {assignments} WHERE {column(self.model, 'pk')} = %s"  # noqa: S608
            built = self._built[key] = (sql, tuple(fields))
        sql, prepared = built
        values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in prepared]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*values, obj.pk])
            if cursor.rowcount != 1:
                raise DatabaseError(f"{self.model.__name__} {obj.pk}: the update changed {cursor.rowcount} rows")
