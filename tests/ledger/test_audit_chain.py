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
from waibao.audit.models import AuditChainLink, AuditEvent
from waibao.audit.services import audit_seal
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
    assert [e.audit_event_id for e in entries] == [e.pk for e in activity]
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
            cursor.execute("ALTER TABLE audit_auditchainlink DISABLE TRIGGER USER")
        else:
            cursor.execute(f"DROP TRIGGER audit_event_no_{kind}")
            cursor.execute(f"DROP TRIGGER audit_link_no_{kind}")


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
    audit_seal()
    assert AuditChainLink.objects.get(event=following).prev_hash == AuditChainLink.objects.get(event=removed).hash
    _drop_audit_trigger("delete")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainlink WHERE event_id = %s", [removed.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER ledger_entry_no_update")
        cursor.execute("UPDATE ledger_ledgerentry SET audit_event_id = NULL WHERE audit_event_id = %s", [removed.pk])
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


def _ledger_triggers_off() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER ledger_entry_no_update")


def test_reported_attack_forged_payment_with_matching_totals_fails_ledger_check(
    make_application: Callable[..., Any], office: User, finance: User
) -> None:
    """The review's forged payment: an entry inserted by hand and the totals of the line and the commitment
    moved to match, so the balances reconcile. The entry has no audit event (a keyed one cannot be forged):
    `ledger check` fails."""
    from waibao.ledger.models import BudgetLine, Commitment

    commitment = commitment_create(acting_user=office, application=make_application(), amount=Decimal("200000"))
    real = payment_create(acting_user=finance, commitment=commitment, amount=Decimal("1000"), idempotency_key="p1")
    call_command("ledger", "check", stdout=StringIO())
    line = BudgetLine.objects.get(pk=real.budget_line_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_ledgerentry (kind, budget_line_id, commitment_id, amount, delta_budgeted,"
            " delta_committed, delta_paid, reason, created_at, voucher_number, payee_account, bank_reference)"
            " VALUES ('payment', %s, %s, 50000, 0, -50000, 50000, '', %s, '', '', '')",  # integer fen: 500.00
            [line.pk, commitment.pk, real.created_at],
        )
    BudgetLine.objects.filter(pk=line.pk).update(committed=line.committed - 500, paid=line.paid + 500)
    Commitment.objects.filter(pk=commitment.pk).update(paid=Decimal("1500"))
    from waibao.ledger.selectors import ledger_reconcile

    assert not ledger_reconcile()  # the totals match the entries
    err = StringIO()
    with pytest.raises(CommandError, match="1 entry is not tied to its audit event"):
        call_command("ledger", "check", stdout=StringIO(), stderr=err)
    assert "has no audit event" in err.getvalue()


def test_an_entry_borrowing_another_event_fails_ledger_check(activity: list[AuditEvent]) -> None:
    """Tying the forged entry to a real event does not help: the event records another kind or amount."""
    real = LedgerEntry.objects.filter(kind="commitment").first()
    assert real is not None
    _ledger_triggers_off()
    LedgerEntry.objects.filter(pk=real.pk).update(amount=real.amount + 1)
    err = StringIO()
    with pytest.raises(CommandError, match="not tied to"):
        call_command("ledger", "check", stdout=StringIO(), stderr=err)
    assert f"ledger entry {real.pk}: its audit event {real.audit_event_id} records" in err.getvalue()


def test_budget_load_ties_each_entry_to_its_event(funds: Any) -> None:
    budget = LedgerEntry.objects.filter(kind="budget")
    assert budget.exists() and not budget.filter(audit_event=None).exists()
    event = budget.select_related("audit_event").first().audit_event  # type: ignore[union-attr]
    assert event is not None and event.action == "ledger.budget" and event.object_type == "ledger.budgetline"
