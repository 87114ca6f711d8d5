"""Every ledger entry writes an audit event in its transaction; `waibao audit verify` detects tampering."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.audit.models import AuditEvent
from waibao.ledger.models import LedgerEntry
from waibao.ledger.services import commitment_create, commitment_release, entry_reverse, payment_create


@pytest.fixture
def activity(make_application: Callable[..., Any], office: User, finance: User) -> list[AuditEvent]:
    """A commitment, two payments, a reversal and a release; returns their audit events, oldest first."""
    application = make_application()
    commitment = commitment_create(acting_user=office, application=application, amount=Decimal("200000"))
    payment_create(acting_user=finance, commitment=commitment, amount=Decimal("1000"), idempotency_key="a1")
    wrong = payment_create(acting_user=finance, commitment=commitment, amount=Decimal("2000"), idempotency_key="a2")
    entry_reverse(acting_user=finance, entry=wrong, reason="wrong account")
    commitment_release(acting_user=office, commitment=commitment, reason="rest rejected")
    # The ledger used alone: the application is set where its money now is (settled), as its services would.
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.PAID)
    return list(AuditEvent.objects.filter(action__startswith="ledger.", object_type="applications.application"))


def test_each_ledger_entry_has_its_audit_event(activity: list[AuditEvent]) -> None:
    entries = LedgerEntry.objects.exclude(commitment=None).order_by("id")
    assert [e.data["entry_id"] for e in activity] == [e.pk for e in entries]
    assert [e.action for e in activity] == [
        "ledger.commitment",
        "ledger.payment",
        "ledger.payment",
        "ledger.reversal",
        "ledger.release",
    ]


def _drop_audit_trigger(kind: str) -> None:
    """The trigger stops accidents; someone deliberate removes it first. The hash chain still tells."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while FK checks are pending
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute(f"DROP TRIGGER audit_event_no_{kind}")


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_verify_passes_after_ledger_activity(activity: list[AuditEvent]) -> None:
    assert _verify().startswith("OK")


def test_verify_names_a_changed_event(activity: list[AuditEvent]) -> None:
    target = activity[1]
    _drop_audit_trigger("update")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'payment 1.00' WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=rf"BROKEN at audit event {target.pk}:.*changed"):
        _verify()


def test_verify_names_the_event_after_a_deleted_one(activity: list[AuditEvent]) -> None:
    removed, following = activity[2], activity[3]
    assert following.prev_hash == removed.hash
    _drop_audit_trigger("delete")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError, match=rf"BROKEN at audit event {following.pk}:"):
        _verify()


def test_ledger_check_command(activity: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert out.getvalue().startswith("OK")
    from waibao.ledger.models import BudgetLine

    line = LedgerEntry.objects.exclude(commitment=None).first().budget_line  # type: ignore[union-attr]
    BudgetLine.objects.filter(pk=line.pk).update(paid=line.paid + 1)
    with pytest.raises(CommandError, match="1 balance"):
        call_command("ledger", "check", stdout=StringIO(), stderr=StringIO())
