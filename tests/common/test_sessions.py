"""Sessions are written when they change; a used session's expiry is refreshed at most once a minute."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waibao.accounts.models import User
from waibao.common.middleware import SessionRefreshMiddleware


def session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_signed_in_page_view_writes_no_session(office: User, client_for: Callable[[User | None], Client]) -> None:
    client = client_for(office)
    client.get("/registry/enterprises/")  # the first view marks the session as refreshed now
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/registry/enterprises/").status_code == 200
    assert session_writes(queries) == []


def test_the_expiry_is_refreshed_once_the_last_refresh_is_a_minute_old(
    office: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(office)
    client.get("/registry/enterprises/")
    key = client.cookies["sessionid"].value
    session = client.session
    session[SessionRefreshMiddleware.KEY] = int(time.time()) - 61
    session.save()
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.filter(pk=key).update(expire_date=soon)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/registry/enterprises/").status_code == 200
    assert session_writes(queries), "the session was not saved with a new expiry"
    assert Session.objects.get(pk=key).expire_date > soon + datetime.timedelta(minutes=60)


def test_an_expired_session_signs_the_user_out(office: User, client_for: Callable[[User | None], Client]) -> None:
    client = client_for(office)
    key = client.cookies["sessionid"].value
    Session.objects.filter(pk=key).update(expire_date=Session.objects.get(pk=key).expire_date.replace(year=2000))
    response = client.get("/registry/enterprises/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_anonymous_visit_creates_no_session(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert session_writes(queries) == []


def test_a_session_is_read_by_its_key_and_only_until_it_expires(office: User) -> None:
    from waibao.accounts.backends import SessionStore

    store = SessionStore()
    store["note"] = "kept"
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"note": "kept"}
    assert SessionStore("no-such-session-key-000000000000").load() == {}
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key is made on the next save, as Django does


def test_the_sessions_user_is_loaded_as_the_orm_loads_it_and_only_while_active(office: User) -> None:
    from waibao.accounts.backends import ModelBackend, user_by_pk

    User.objects.filter(pk=office.pk).update(last_login=timezone.now())
    expected = User.objects.get(pk=office.pk)
    loaded = user_by_pk(office.pk)
    assert loaded is not None and not loaded._state.adding and loaded._state.db == "default"
    fields = [f.attname for f in User._meta.concrete_fields]
    assert {f: getattr(loaded, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert loaded.last_login.tzinfo is not None
    assert user_by_pk(office.pk + 10_000) is None
    assert ModelBackend().get_user(office.pk) == expected
    User.objects.filter(pk=office.pk).update(is_active=False)
    assert ModelBackend().get_user(office.pk) is None


def test_a_signed_in_request_carries_the_user_itself(office: User, client_for: Callable[[User | None], Client]) -> None:
    response = client_for(office).get("/registry/enterprises/")
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is User and user.pk == office.pk  # not a lazy proxy: reads cost no exception
    assert user.is_verified() and user.otp_device is not None  # django-otp's fields, from the session's device
