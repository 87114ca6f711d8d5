"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from waibao.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal | date | datetime):
        return str(value) if not isinstance(value, datetime) else value.isoformat()
    return str(value)


def jsonable(value: Any) -> Any:
    """Plain JSON types only, so the stored value hashes the same after a round trip."""
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def event_digest(
    *,
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    summary: str,
    changes: Any,
    data: Any,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            summary,
            changes,
            data,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def object_key(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change it records")
    if obj is not None:
        object_type, object_id = object_key(obj)
    # The head row is locked for the rest of the transaction: writers chain one after another.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS, last_event_id=0)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = str(actor) if actor_id is not None else "system"
    occurred_at = timezone.now()
    changes_json = jsonable(changes or {})
    data_json = jsonable(data or {})
    digest = event_digest(
        prev_hash=head.last_hash,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        changes=changes_json,
        data=data_json,
    )
    event = AuditEvent.objects.create(
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        changes=changes_json,
        data=data_json,
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_hash = digest
    head.last_event_id = event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None


def audit_verify() -> ChainReport:
    """Walk the chain in order; name the first event whose link or content does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(
                checked,
                event.pk,
                "previous-hash link does not match (a row before it was removed or changed)",
            )
        expected = event_digest(
            prev_hash=event.prev_hash,
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
        if expected != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash (the row was changed)")
        prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.last_event_id != last_id):
        return ChainReport(checked, last_id or None, "the newest events were removed (chain head does not match)")
    return ChainReport(checked, None, "")


def audit_record_many(*, actor: Any, action: str, objects: Sequence[models.Model], summary: str = "") -> int:
    """Append one event per object in one pass (bulk loads: imports, demo data). Same chain, fewer queries."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must be called inside the transaction of the change it records")
    if not objects:
        return 0
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.create(pk=1, last_hash=GENESIS, last_event_id=0)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_label = str(actor) if actor_id is not None else "system"
    prev = head.last_hash
    events = []
    for obj in objects:
        object_type, object_id = object_key(obj)
        occurred_at = timezone.now()
        digest = event_digest(
            prev_hash=prev,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary,
            changes={},
            data={},
        )
        events.append(
            AuditEvent(
                occurred_at=occurred_at,
                actor_id=actor_id,
                actor_label=actor_label,
                action=action,
                object_type=object_type,
                object_id=object_id,
                summary=summary,
                changes={},
                data={},
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    last = AuditEvent.objects.filter(hash=prev).values_list("pk", flat=True).get()
    head.last_hash = prev
    head.last_event_id = last
    head.save(update_fields=["last_hash", "last_event_id"])
    return len(events)
