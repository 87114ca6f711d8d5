"""The names plain SQL is written with come from the models, quoted by the database's own rules; the reads built
once (`RowQuery`) read what the ORM reads."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.common.locks import row_locks
from waibao.accounts.models import User
from waibao.applications.models import Application, Notification
from waibao.common.plain_sql import RowInsert, RowQuery, RowUpdate, column, table
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


# --- RowQuery: fixed-shape reads built once ---------------------------------------------------------------


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.django_db
def test_a_row_query_reads_what_the_orm_reads(enterprise_user: User, training_user: User) -> None:
    enterprise = enterprise_user.enterprise
    by_enterprise = Application.objects.create(
        enterprise=enterprise,
        rule_id="HZ-12a",
        year=2008,
        approved_amount_cny=Decimal("1234.56"),
        facts={"exports_usd": "1000", "nested": [1, 2]},
        submitted_at=timezone.now(),
        notice_ends_on=datetime.date(2008, 5, 1),
    )
    by_institution = Application.objects.create(
        training_institution=training_user.training_institution, rule_id="HZ-17a", year=2008
    )
    query = RowQuery(Application, related=("enterprise", "training_institution"), lock=True)
    with transaction.atomic():
        for application in (by_enterprise, by_institution):
            expected = Application.objects.select_related("enterprise", "training_institution").get(pk=application.pk)
            with CaptureQueriesContext(connection) as captured:
                found = query.get(application.pk)
                # the related rows came with it: reading them costs no query
                related = (found.enterprise, found.training_institution)
            assert len(captured) == 1
            assert _fields(found) == _fields(expected)
            assert found._state.adding is False and found._state.db == "default"
            for mine, theirs in zip(related, (expected.enterprise, expected.training_institution), strict=True):
                assert (mine is None) == (theirs is None)
                if mine is not None:
                    assert type(mine) is type(theirs) and _fields(mine) == _fields(theirs)
        found = query.get(by_enterprise.pk)
        assert found.approved_amount_cny == Decimal("1234.56") and isinstance(found.approved_amount_cny, Decimal)
        assert found.facts == {"exports_usd": "1000", "nested": [1, 2]}
        assert timezone.is_aware(found.submitted_at) and found.notice_ends_on == datetime.date(2008, 5, 1)
        assert query.get(-1) is None


@pytest.mark.django_db
def test_a_row_query_by_other_fields_gives_the_first_or_every_row_by_key(enterprise_user: User) -> None:
    enterprise = enterprise_user.enterprise
    first, second = (
        Application.objects.create(enterprise=enterprise, rule_id="HZ-12a", year=2008, item_key=f"k{i}")
        for i in range(2)
    )
    Application.objects.create(enterprise=enterprise, rule_id="HZ-12c", year=2008)
    query = RowQuery(Application, where=("enterprise", "rule_id"))
    assert query.get(enterprise.pk, "HZ-12a").pk == first.pk
    assert [a.pk for a in query.all(enterprise.pk, "HZ-12a")] == [first.pk, second.pk]
    assert query.all(enterprise.pk, "HZ-99") == []
    with pytest.raises(TypeError):
        query.get(enterprise.pk)  # two fields, one value


@pytest.mark.django_db
def test_a_row_query_with_only_reads_those_columns_and_defers_the_rest(enterprise_user: User) -> None:
    enterprise = enterprise_user.enterprise
    application = Application.objects.create(enterprise=enterprise, rule_id="HZ-12a", year=2008, facts={"a": 1})
    query = RowQuery(Application, where=("enterprise",), only=("rule_id", "year"), related=("enterprise",))
    with CaptureQueriesContext(connection) as captured:
        found = query.get(enterprise.pk)
        read = (found.pk, found.rule_id, found.year, found.enterprise.pk)
    assert read == (application.pk, "HZ-12a", 2008, enterprise.pk)
    assert len(captured) == 1
    assert "facts" not in captured[0]["sql"] and found.get_deferred_fields() >= {"facts", "status"}
    assert found.facts == {"a": 1}  # a deferred field is read when asked for, as with .only()
    with pytest.raises(TypeError, match="no column for nope"):
        RowQuery(Application, only=("year", "nope")).get(application.pk)


def test_a_row_query_joins_only_forward_foreign_keys() -> None:
    with pytest.raises(TypeError):
        RowQuery(Enterprise, related=("categories",)).get(1)  # many-to-many


@pytest.mark.django_db
def test_a_locking_row_query_locks_its_own_row_only(enterprise_user: User) -> None:
    application = Application.objects.create(enterprise=enterprise_user.enterprise, rule_id="HZ-12a", year=2008)
    query = RowQuery(Application, related=("enterprise",), lock=True)
    with transaction.atomic(), row_locks() as locks:
        assert query.get(application.pk).enterprise.pk == enterprise_user.enterprise.pk
    assert locks == [{Application._meta.db_table}]


@pytest.mark.django_db
def test_a_row_insert_and_update_store_what_save_stores(enterprise_user: User) -> None:
    inserts, updates = RowInsert(Application), RowUpdate(Application, ("status", "approved_amount_cny", "updated_at"))
    application = Application(
        enterprise=enterprise_user.enterprise,
        rule_id="HZ-12a",
        year=2008,
        approved_amount_cny=Decimal("10.50"),
        facts={"a": [1, "二"]},
    )
    assert inserts.insert(application) is application
    assert application.pk is not None and application._state.adding is False
    stored = Application.objects.get(pk=application.pk)
    assert stored.approved_amount_cny == Decimal("10.50") and stored.facts == {"a": [1, "二"]}
    assert stored.created_at is not None and stored.created_at == application.created_at  # auto_now_add ran
    created = stored.updated_at
    application.status = "submitted"
    application.approved_amount_cny = Decimal("7.00")
    application.rule_id = "HZ-99"  # not among the fields: left as stored
    updates.save(application)
    stored = Application.objects.get(pk=application.pk)
    assert (stored.status, stored.approved_amount_cny, stored.rule_id) == ("submitted", Decimal("7.00"), "HZ-12a")
    assert stored.updated_at >= created and stored.updated_at == application.updated_at  # auto_now ran
    application.pk = -1
    with pytest.raises(DatabaseError):
        updates.save(application)  # no such row: refused, as save(update_fields=…) refuses
