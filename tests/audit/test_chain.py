"""The keyed audit chain: intact after real changes; a changed, removed, forged or truncated row is found and named.

The attack reported in the security review is reproduced: with the database in hand, drop the trigger, edit an
event and recompute every later hash and the head. Without the key that leaves a mismatch; with the key (an
insider who has it) removing the newest events is caught by a checkpoint kept outside the database.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from tests.factories import EnterpriseFactory, complete_profile
from waibao.accounts.models import User
from waibao.audit import services as audit_services
from waibao.audit.keys import DEV_KEY_ID, DEV_SECRET, key_ring
from waibao.audit.models import AuditChainHead, AuditChainLink, AuditEvent, AuditPending
from waibao.audit.services import (
    GENESIS,
    audit_checkpoint,
    audit_record,
    audit_seal,
    audit_verify,
    event_mac,
    link_hash,
    parse_checkpoints,
)
from waibao.registry.services import enterprise_transition, enterprise_update

pytestmark = pytest.mark.django_db

KEY_A = "key-a:" + "a" * 40
KEY_B = "key-b:" + "b" * 40


@pytest.fixture
def events(office: User) -> list[AuditEvent]:
    enterprise = complete_profile(EnterpriseFactory())
    enterprise_transition(acting_user=office, enterprise=enterprise, action="verify")
    enterprise_update(acting_user=office, enterprise=enterprise, fields={"employees": 10})
    enterprise_transition(acting_user=office, enterprise=enterprise, action="recognise")
    audit_seal()
    return list(AuditEvent.objects.order_by("id"))


def drop_triggers() -> None:
    """The trigger stops accidents; someone deliberate removes it first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditchainlink DISABLE TRIGGER USER")
        else:
            for name in (
                "audit_event_no_update",
                "audit_event_no_delete",
                "audit_link_no_update",
                "audit_link_no_delete",
            ):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def verify(*checkpoints: Path) -> str:
    out = StringIO()
    args = [arg for path in checkpoints for arg in ("--checkpoint", str(path))]
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_chain_is_intact(events: list[AuditEvent]) -> None:
    assert len(events) == 3
    links = list(AuditChainLink.objects.order_by("sequence"))
    assert [link.event_id for link in links] == [e.pk for e in events]
    assert links[1].prev_hash == links[0].hash and links[0].prev_hash == GENESIS
    assert {e.key_id for e in events} == {key_ring().current_id}
    assert not AuditPending.objects.exists()
    assert "3 audit events, chain intact" in verify()


def test_events_wait_for_the_seal_and_verify_seals_them(office: User) -> None:
    with transaction.atomic():
        event = audit_record(actor=office, action="x.done", object_type="t", object_id="1")
    # Inside a test the transaction never commits, so the after-commit seal has not run: the event waits.
    assert AuditPending.objects.filter(event=event).exists() and not AuditChainLink.objects.exists()
    assert audit_verify().ok
    assert AuditChainLink.objects.get().event_id == event.pk


def test_the_seal_runs_after_commit(office: User, django_capture_on_commit_callbacks: object) -> None:
    capture = django_capture_on_commit_callbacks(execute=True)  # type: ignore[operator]
    with capture as callbacks, transaction.atomic():
        for n in range(3):
            audit_record(actor=office, action="x.done", object_type="t", object_id=str(n))
    assert len(callbacks) == 1  # one seal per transaction, however many events
    assert AuditChainLink.objects.count() == 3 and not AuditPending.objects.exists()


def test_a_long_queue_is_linked_in_order_in_chunks(office: User) -> None:
    with transaction.atomic():
        events = audit_services.audit_record_many(
            actor=office, action="x.loaded", objects=[office] * 1203, data=[{"n": n} for n in range(1203)]
        )
    assert audit_seal(wait=True) == 1203  # three INSERTs of at most 500 links
    links = list(AuditChainLink.objects.order_by("sequence"))
    assert [link.event_id for link in links] == [e.pk for e in events]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(links))
    assert (
        AuditChainHead.objects.get().last_sequence == 1203 and AuditChainHead.objects.get().last_hash == links[-1].hash
    )
    assert not AuditPending.objects.exists() and audit_verify().ok


def test_a_seal_in_a_smaller_batch_comes_back_for_the_rest(office: User) -> None:
    with transaction.atomic():
        for n in range(5):
            audit_record(actor=office, action="x.done", object_type="t", object_id=str(n))
    assert audit_seal(wait=True, batch=2) == 5
    assert list(AuditChainLink.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.django_db(transaction=True)
def test_a_seal_that_finds_the_head_held_leaves_its_events_to_the_holder(office: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the head is locked on PostgreSQL (SQLite has one writer at a time)")
    with transaction.atomic():
        audit_record(actor=office, action="x.first", object_type="t", object_id="0")
    assert AuditChainHead.objects.get().last_sequence == 1  # sealed after the commit
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        from django.db import connection as own

        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(pk=1)
            holding.set()
            release.wait(20)
        own.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(20)
        with transaction.atomic():  # its seal after the commit finds the head held and leaves at once
            event = audit_record(actor=office, action="x.second", object_type="t", object_id="1")
        assert AuditPending.objects.filter(event=event).exists()
        assert audit_seal() == 0
    finally:
        release.set()
        holder.join(20)
    assert audit_seal() == 1 and AuditChainLink.objects.get(sequence=2).event_id == event.pk
    assert audit_verify().ok


def test_database_refuses_update_and_delete(events: list[AuditEvent]) -> None:
    link = AuditChainLink.objects.first()
    for queryset in (AuditEvent.objects.filter(pk=events[0].pk), AuditChainLink.objects.filter(pk=link.pk)):  # type: ignore[union-attr]
        with pytest.raises(DatabaseError), transaction.atomic():
            queryset.update(key_id="x")
        with pytest.raises(DatabaseError), transaction.atomic():
            queryset.delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_refuses_truncate(events: list[AuditEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no pending foreign-key check
    for table in ("audit_auditevent", "audit_auditchainlink", "ledger_ledgerentry"):
        with pytest.raises(DatabaseError, match="refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 3


def test_tampered_row_is_named(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(changes={"employees": [0, 9999]})
    report = audit_verify()
    assert not report.ok and report.broken_event_id == events[1].pk
    with pytest.raises(CommandError, match=f"BROKEN at audit event {events[1].pk}: content"):
        verify()


def _unkeyed(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def test_reported_attack_edit_and_recompute_without_the_key_is_found(events: list[AuditEvent]) -> None:
    """Drop the trigger, edit event 2, recompute its hash and every later link and the head (as the review did,
    with the only hash function the attacker can compute: no key)."""
    drop_triggers()
    target = events[1]
    AuditEvent.objects.filter(pk=target.pk).update(changes={"employees": [0, 9999]}, mac=_unkeyed("forged", target.pk))
    links = list(AuditChainLink.objects.order_by("sequence"))
    prev = links[0].hash
    for link in links[1:]:
        mac = AuditEvent.objects.values_list("mac", flat=True).get(pk=link.event_id)
        digest = _unkeyed(prev, link.sequence, link.event_id, mac)
        AuditChainLink.objects.filter(pk=link.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    report = audit_verify()
    assert not report.ok and report.broken_event_id == target.pk
    assert "keyed hash" in report.reason


def test_with_another_key_the_forgery_is_found_too(events: list[AuditEvent]) -> None:
    """A rewrite keyed with a key the platform does not hold is as good as none."""
    drop_triggers()
    target = events[1]
    with override_settings(WAIBAO_AUDIT_KEY="dev-insecure:" + "x" * 40):
        forger = key_ring()
        mac = event_mac(
            forger,
            key_id=target.key_id,
            occurred_at=target.occurred_at,
            actor_id=target.actor_id,
            actor_label=target.actor_label,
            action=target.action,
            object_type=target.object_type,
            object_id=target.object_id,
            summary=target.summary,
            changes={"employees": [0, 9999]},
            data=target.data,
        )
    AuditEvent.objects.filter(pk=target.pk).update(changes={"employees": [0, 9999]}, mac=mac)
    assert audit_verify().broken_event_id == target.pk


def test_removed_row_breaks_the_next_link(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditChainLink.objects.filter(event_id=events[1].pk).delete()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = audit_verify()
    assert report.broken_event_id == events[2].pk and "missing" in report.reason


def test_removed_newest_row_is_detected_by_the_head(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditChainLink.objects.filter(event_id=events[2].pk).delete()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    assert "chain head" in audit_verify().reason


def test_event_left_out_of_the_chain_is_named(events: list[AuditEvent]) -> None:
    drop_triggers()
    AuditChainLink.objects.filter(event_id=events[2].pk).delete()
    head = AuditChainLink.objects.order_by("-sequence").first()
    assert head is not None
    AuditChainHead.objects.filter(pk=1).update(last_hash=head.hash, last_sequence=head.sequence)
    report = audit_verify()
    assert report.broken_event_id == events[2].pk and "not in the chain" in report.reason


def test_truncation_with_the_key_is_caught_by_the_checkpoint(events: list[AuditEvent], tmp_path: Path) -> None:
    """An insider with the key removes the newest events and repairs the head: only a checkpoint kept outside
    the database tells."""
    file = tmp_path / "checkpoints.jsonl"
    call_command("audit", "checkpoint", "--file", str(file), stdout=StringIO())
    assert (file.stat().st_mode & 0o777) == 0o600
    [checkpoint] = parse_checkpoints(file.read_text())
    assert (checkpoint.sequence, checkpoint.hash) == (3, AuditChainHead.objects.get().last_hash)
    assert "held against 1 checkpoint" in verify(file)
    drop_triggers()
    AuditChainLink.objects.filter(event_id=events[2].pk).delete()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    link = AuditChainLink.objects.order_by("-sequence").first()
    assert link is not None
    AuditChainHead.objects.filter(pk=1).update(last_hash=link.hash, last_sequence=link.sequence)
    assert verify().startswith("OK")  # the database alone cannot tell
    with pytest.raises(CommandError, match=r"checkpoint .* recorded link 3: links were removed"):
        verify(file)


def test_rewrite_with_the_key_is_caught_by_the_checkpoint(events: list[AuditEvent], tmp_path: Path) -> None:
    """An insider with the key rewrites event 2 and re-keys everything after it: the checkpoint's hash differs."""
    file = tmp_path / "checkpoints.jsonl"
    call_command("audit", "checkpoint", "--file", str(file), stdout=StringIO())
    drop_triggers()
    ring = key_ring()
    target = events[1]
    mac = event_mac(
        ring,
        key_id=target.key_id,
        occurred_at=target.occurred_at,
        actor_id=target.actor_id,
        actor_label=target.actor_label,
        action=target.action,
        object_type=target.object_type,
        object_id=target.object_id,
        summary=target.summary,
        changes={"employees": [0, 9999]},
        data=target.data,
    )
    AuditEvent.objects.filter(pk=target.pk).update(changes={"employees": [0, 9999]}, mac=mac)
    links = list(AuditChainLink.objects.order_by("sequence"))
    prev = links[0].hash
    for link in links[1:]:
        event_mac_ = AuditEvent.objects.values_list("mac", flat=True).get(pk=link.event_id)
        digest = link_hash(
            ring, key_id=link.key_id, prev_hash=prev, sequence=link.sequence, event_id=link.event_id, mac=event_mac_
        )
        AuditChainLink.objects.filter(pk=link.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    assert verify().startswith("OK")
    with pytest.raises(CommandError, match="differs from the checkpoint"):
        verify(file)


def test_key_rotation_verifies_old_events_by_their_key_id(office: User, events: list[AuditEvent]) -> None:
    with override_settings(WAIBAO_AUDIT_KEY=f"{KEY_A},{KEY_B}"):
        with transaction.atomic():
            audit_record(actor=office, action="x.done", object_type="t", object_id="1")
        # key-b signs now; the development key of the older events is not configured here.
        report = audit_verify()
        assert not report.ok and f"unknown key “{DEV_KEY_ID}”" in report.reason
        assert AuditEvent.objects.order_by("-id").first().key_id == "key-b"  # type: ignore[union-attr]
    with override_settings(WAIBAO_AUDIT_KEY=f"{DEV_KEY_ID}:{DEV_SECRET},{KEY_B}"):
        assert audit_verify().ok  # every key that signed is known: the chain verifies across the rotation


def test_key_file_and_production_refuse_the_development_key(tmp_path: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured

    file = tmp_path / "audit.keys"
    file.write_text("# rotated 2026-12\nold-1 " + "o" * 40 + "\nnew-2 " + "n" * 40 + "\n")
    with override_settings(WAIBAO_AUDIT_KEY_FILE=str(file), WAIBAO_AUDIT_DEV_KEY_ALLOWED=False):
        ring = key_ring()
        assert ring.current_id == "new-2" and set(ring.keys) == {"old-1", "new-2"}
    with (
        override_settings(WAIBAO_AUDIT_DEV_KEY_ALLOWED=False),
        pytest.raises(ImproperlyConfigured, match="No audit key"),
    ):
        key_ring()
    dev = f"{DEV_KEY_ID}:{DEV_SECRET}"
    refused = pytest.raises(ImproperlyConfigured, match="refused in production")
    with override_settings(WAIBAO_AUDIT_KEY=dev, WAIBAO_AUDIT_DEV_KEY_ALLOWED=False), refused:
        key_ring()
    with override_settings(WAIBAO_AUDIT_KEY="short:abc"), pytest.raises(ImproperlyConfigured, match="too short"):
        key_ring()


def test_checkpoint_prints_the_head(events: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    raw = json.loads(out.getvalue())
    assert raw["sequence"] == 3 and raw["hash"] == audit_checkpoint().hash and raw["time"]


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused(office: User) -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=office, action="x", object_type="t", object_id="1")
