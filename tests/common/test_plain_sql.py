"""The names plain SQL is written with come from the models, quoted by the database's own rules."""

from __future__ import annotations

import pytest
from django.db import connection

from waibao.applications.models import Notification
from waibao.common.plain_sql import column, table
from waibao.registry.models import Enterprise


def test_a_table_and_its_columns_are_the_models_quoted() -> None:
    quote = connection.ops.quote_name
    assert table(Notification) == quote(Notification._meta.db_table)
    assert column(Notification, "pk") == quote(Notification._meta.pk.column)
    assert column(Notification, "read_at") == quote("read_at")
    assert column(Notification, "user") == quote("user_id")  # a relation: its key's column


def test_a_name_without_a_column_is_refused() -> None:
    with pytest.raises(TypeError):
        column(Enterprise, "categories")  # many-to-many: no column of its own


@pytest.mark.django_db
def test_sql_written_with_them_runs() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT({column(Notification, 'pk')}) FROM {table(Notification)}")  # noqa: S608
        assert cursor.fetchone()[0] == 0
