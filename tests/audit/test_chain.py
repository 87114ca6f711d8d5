"""The audit chain: intact after real changes; a changed, removed or truncated row is found and named."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.factories import EnterpriseFactory, complete_profile
from waibao.accounts.models import User
from waibao.audit.models import AuditEvent
from waibao.audit.services import audit_record, audit_verify
from waibao.registry.services import enterprise_transition, enterprise_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(office: User) -> list[AuditEvent]:
    enterprise = complete_profile(EnterpriseFactory())
    enterprise_transition(acting_user=office, enterprise=enterprise, action="verify")
    enterprise_update(acting_user=office, enterprise=enterprise, fields={"employees": 10})
    enterprise_transition(acting_user=office, enterprise=enterprise, action="recognise")
    return list(AuditEvent.objects.order_by("id"))


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def test_chain_is_intact(events: list[AuditEvent], capsys: pytest.CaptureFixture[str]) -> None:
    assert len(events) == 3
    assert events[1].prev_hash == events[0].hash
    call_command("audit", "verify")
    assert "3 audit events, chain intact" in capsys.readouterr().out


def test_database_refuses_update_and_delete(events: list[AuditEvent]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).update(summary="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).delete()


def test_tampered_row_is_named(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(changes={"employees": [0, 9999]})
    report = audit_verify()
    assert not report.ok and report.broken_event_id == events[1].pk
    with pytest.raises(CommandError, match=f"BROKEN at audit event {events[1].pk}"):
        call_command("audit", "verify")


def test_removed_row_breaks_the_next_link(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = audit_verify()
    assert report.broken_event_id == events[2].pk


def test_removed_newest_row_is_detected(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    assert not audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused(office: User) -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=office, action="x", object_type="t", object_id="1")
