"""The signed-in user and their session, read on every request by one plain query each.

Django reads the session (`SessionStore.load`) and the user (`ModelBackend.get_user`) through the ORM: building
and compiling a query costs more than running it, and every signed-in page pays it twice. These read the same
rows with SQL written once per process, under the same conditions (an unexpired session; an active user); every
write still goes through Django.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection
from django.utils import timezone

PATH = "waibao.accounts.backends.ModelBackend"  # for login(..., backend=PATH) and settings.AUTHENTICATION_BACKENDS


@functools.cache
def _user_query(vendor: str) -> tuple[str, list[str], list[list[Any]]]:
    """The query, the attribute names and each column's converters (as the ORM applies them) for `vendor`."""
    meta, quote = get_user_model()._meta, connection.ops.quote_name
    fields = meta.concrete_fields
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names only
    cols = [f.get_col(meta.db_table) for f in fields]
    converters = [
        [(c, col) for c in connection.ops.get_db_converters(col) + col.get_db_converters(connection)] for col in cols
    ]
    return sql, [f.attname for f in fields], converters


def user_by_pk(pk: Any) -> Any:
    """The user of this primary key, as the ORM would load it (with the database's converters), or None."""
    model = get_user_model()
    sql, attnames, converters = _user_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, column_converters in zip(row, converters, strict=True):
        for converter, col in column_converters:
            value = converter(value, col, connection)
        values.append(value)
    return model.from_db(connection.alias, attnames, values)


class ModelBackend(DjangoModelBackend):
    """Django's model backend (passwords, permissions), with the session's user read by `user_by_pk`."""

    def get_user(self, user_id: Any) -> Any:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class SessionStore(DjangoSessionStore):
    """Django's database sessions, with an unexpired session read by one plain query."""

    def _get_session_from_db(self) -> Any:
        meta, quote = self.model._meta, connection.ops.quote_name
        columns = {f.name: f.column for f in meta.concrete_fields}
        data, key, expiry = (quote(columns[name]) for name in ("session_data", "session_key", "expire_date"))
        sql = f"SELECT {data} FROM {quote(meta.db_table)} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608 - names only
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=str(self.session_key), session_data=row[0])
