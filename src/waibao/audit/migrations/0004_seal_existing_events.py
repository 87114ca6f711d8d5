"""Key and link the events written before the keyed chain, after checking their old (unkeyed) chain.

A broken old chain stops the upgrade: keying it would vouch for rows that were already changed.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations

GENESIS = "0" * 64


def _old_digest(event):
    payload = json.dumps(
        [
            event.prev_hash,
            event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            event.actor_id,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
            event.changes,
            event.data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _triggers(schema_editor, *, enable):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        verb = "ENABLE" if enable else "DISABLE"
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE audit_auditevent {verb} TRIGGER audit_event_append_only")
    elif not enable:  # SQLite: migration 0005 creates the triggers again
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")


def forwards(apps, schema_editor):
    from django.utils import timezone

    from waibao.audit.keys import key_ring
    from waibao.audit.services import event_mac, link_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainLink = apps.get_model("audit", "AuditChainLink")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    if not AuditEvent.objects.exists():
        AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": GENESIS, "last_sequence": 0})
        return
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev or _old_digest(event) != event.hash:
            raise RuntimeError(
                f"The audit chain is broken at event {event.pk}: investigate (waibao audit verify on the previous "
                "release) before upgrading; the keyed chain would otherwise vouch for changed rows."
            )
        prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        raise RuntimeError("The audit chain's newest events were removed: investigate before upgrading.")
    ring = key_ring()
    _triggers(schema_editor, enable=False)
    sequence, prev, links, now = 0, GENESIS, [], timezone.now()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        mac = event_mac(
            ring,
            key_id=ring.current_id,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            summary=event.summary,
            changes=event.changes,
            data=event.data,
        )
        AuditEvent.objects.filter(pk=event.pk).update(key_id=ring.current_id, mac=mac)
        sequence += 1
        digest = link_hash(ring, key_id=ring.current_id, prev_hash=prev, sequence=sequence, event_id=event.pk, mac=mac)
        links.append(
            AuditChainLink(
                sequence=sequence, event_id=event.pk, key_id=ring.current_id, prev_hash=prev, hash=digest, sealed_at=now
            )
        )
        prev = digest
    AuditChainLink.objects.bulk_create(links, batch_size=1000)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "last_sequence": sequence})
    _triggers(schema_editor, enable=True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain_tables")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
