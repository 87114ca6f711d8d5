"""Plain SQL reads of hot pages: a model's table and column by its field, a moment as the ORM reads it.

Some pages (the duty list, the cockpit, the fund card) read a few things on every visit; building those queries
with the ORM cost them more than everything else they do, so they are written once (per process) as SQL from the
models' names, never from input. New plain SQL takes its names from here."""

from __future__ import annotations

import datetime

from django.db import connection, models
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
