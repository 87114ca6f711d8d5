"""Writing, sealing and verifying the audit chain.

Every state change calls `audit_record` inside its own transaction: the event is written there with an HMAC of
its content (`mac`, key named by `key_id`), without touching any shared row, so independent writers never wait
for each other. After the transaction commits, `audit_seal` gives the waiting events their place in the chain
(`AuditChainLink`: sequence and a keyed hash over the previous link) in a short transaction that locks the
chain head; whoever holds the head seals everybody's events, the others go on (`skip_locked`), and the holder
looks again after it commits, so no committed event is left waiting. A process that dies between its commit
and the seal leaves its events in `AuditPending`: the next seal, `waibao audit seal` or `audit verify` links them.

`audit_verify` holds every event and link against its keyed hash, the links against each other and the chain
head, and, given checkpoints written outside the database (`waibao audit checkpoint`), the chain against
them: without the key nobody can forge or rewrite an event, and without the checkpoints' copy nobody can
remove the newest ones unseen.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from waibao.audit.keys import KeyRing, key_ring
from waibao.audit.models import AuditChainHead, AuditChainLink, AuditEvent, AuditPending
from waibao.common.plain_sql import RowInsert

GENESIS = "0" * 64
SEAL_BATCH = 2000


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal | date | datetime):
        return str(value) if not isinstance(value, datetime) else value.isoformat()
    return str(value)


def jsonable(value: Any) -> Any:
    """Plain JSON types only, so the stored value hashes the same after a round trip."""
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def event_mac(
    ring: KeyRing,
    *,
    key_id: str,
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
    """HMAC-SHA256 of an event's content under the key `key_id`."""
    payload = json.dumps(
        [
            "waibao-audit-event-v2",
            key_id,
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
    return ring.mac(key_id, payload.encode("utf-8"))


def link_hash(ring: KeyRing, *, key_id: str, prev_hash: str, sequence: int, event_id: int, mac: str) -> str:
    """HMAC-SHA256 tying an event (by id and mac) to its place after `prev_hash`."""
    return ring.mac(key_id, f"waibao-audit-link-v2|{prev_hash}|{sequence}|{event_id}|{mac}".encode())


def _stored_event_mac(ring: KeyRing, event: AuditEvent) -> str:
    return event_mac(
        ring,
        key_id=event.key_id,
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


def object_key(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _actor(actor: Any) -> tuple[int | None, str]:
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return actor_id, (str(actor) if actor_id is not None else "system")


def _new_event(
    ring: KeyRing,
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    summary: str,
    changes: Any,
    data: Any,
) -> AuditEvent:
    actor_id, actor_label = _actor(actor)
    occurred_at = timezone.now()
    summary = summary[:500]
    changes_json = jsonable(changes or {})
    data_json = jsonable(data or {})
    mac = event_mac(
        ring,
        key_id=ring.current_id,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        changes=changes_json,
        data=data_json,
    )
    return AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        changes=changes_json,
        data=data_json,
        key_id=ring.current_id,
        mac=mac,
    )


def _seal_after_commit() -> None:
    audit_seal()


def _schedule_seal() -> None:
    """Seal once after the outermost commit (one callback per transaction, however many events it wrote)."""
    connection = transaction.get_connection()
    if not any(func is _seal_after_commit for _sids, func, _robust in connection.run_on_commit):
        # robust: the change is committed; a failed seal leaves its events waiting for the next one.
        transaction.on_commit(_seal_after_commit, robust=True)


_QUEUE_SQL = "INSERT INTO {} ({}) VALUES (%s)".format(  # noqa: S608 - identifiers from the model, never input
    connection.ops.quote_name(AuditPending._meta.db_table), connection.ops.quote_name("event_id")
)


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
    """Write one event (keyed) in the transaction of the change it records; it is chained after the commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change it records")
    if obj is not None:
        object_type, object_id = object_key(obj)
    event = _new_event(
        key_ring(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        changes=changes,
        data=data,
    )
    _queue(event)
    _schedule_seal()
    return event


_INSERT_EVENT = RowInsert(AuditEvent)


def _queue(event: AuditEvent) -> None:
    """Write the event and put it in the sealer's queue: on every change, so plain SQL built once, and on
    PostgreSQL one statement (a data-modifying WITH) instead of two."""
    params = _INSERT_EVENT.params(event)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_queue_sql(), params)
            _INSERT_EVENT.saved(event, cursor.fetchone()[0])
            return
    _INSERT_EVENT.insert(event)
    with connection.cursor() as cursor:
        cursor.execute(_QUEUE_SQL, [event.pk])


@functools.cache
def _queue_sql() -> str:
    q = connection.ops.quote_name
    pending, event_id, pk = q(AuditPending._meta.db_table), q("event_id"), q(AuditEvent._meta.pk.column)
    return (
        f"WITH new_event AS ({_INSERT_EVENT.sql} RETURNING {pk})"  # noqa: S608 - names from the models
        f" INSERT INTO {pending} ({event_id}) SELECT {pk} FROM new_event RETURNING {event_id}"
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    objects: Sequence[models.Model],
    summary: str = "",
    data: Sequence[dict[str, Any]] | None = None,
) -> list[AuditEvent]:
    """One event per object in one pass (bulk loads: imports, demo data); `data[i]` goes with `objects[i]`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must be called inside the transaction of the change it records")
    if not objects:
        return []
    if data is not None and len(data) != len(objects):
        raise ValueError("audit_record_many: one data item per object")
    ring = key_ring()
    events = []
    for i, obj in enumerate(objects):
        object_type, object_id = object_key(obj)
        events.append(
            _new_event(
                ring,
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                summary=summary,
                changes={},
                data=data[i] if data is not None else {},
            )
        )
    saved = AuditEvent.objects.bulk_create(events, batch_size=1000)
    if any(e.pk is None for e in saved):  # a database that cannot return ids from a bulk insert
        raise RuntimeError("audit_record_many needs the ids of the inserted events")
    AuditPending.objects.bulk_create([AuditPending(event=e) for e in saved], batch_size=1000)
    _schedule_seal()
    return saved


# --- sealing ------------------------------------------------------------------------------------------------


def _flat(rows: list[tuple[Any, ...]]) -> list[Any]:
    return [value for row in rows for value in row]


@functools.cache
def _seal_sql(*, postgres: bool, wait: bool) -> dict[str, str]:
    """The sealer's statements (built once per process). Table and column names come from the models; every value
    is a parameter.

    On PostgreSQL the head is locked (elsewhere the transaction itself is the lock: SQLite's writer lock). The
    seal after each commit does not wait for its own disk flush (`set_config(…, true)` is SET LOCAL, in the same
    statement): if the server crashes before the flush, the links and the emptied queue are lost together and
    the events are linked again. Every later commit flushes it (the log is written in order), and so do the
    seals of verify and checkpoint, so no checkpoint names a link that could be lost.
    """
    q = connection.ops.quote_name
    head, link, pending, event = (
        q(m._meta.db_table) for m in (AuditChainHead, AuditChainLink, AuditPending, AuditEvent)
    )
    lock = (" FOR UPDATE" if wait else " FOR UPDATE SKIP LOCKED") if postgres else ""
    quiet = ", set_config('synchronous_commit', 'off', true)" if postgres and not wait else ""
    columns = ", ".join(q(c) for c in ("sequence", "event_id", "key_id", "prev_hash", "hash", "sealed_at"))
    event_id, mac = q("event_id"), q("mac")
    return {
        "head": f"SELECT {q('last_hash')}, {q('last_sequence')}{quiet} FROM {head} WHERE id = 1{lock}",  # noqa: S608
        "waiting": (
            f"SELECT p.{event_id}, e.{mac} FROM {pending} p JOIN {event} e ON e.{q('id')} = p.{event_id}"  # noqa: S608
            f" ORDER BY p.{event_id} LIMIT %s"
        ),
        "link": f"INSERT INTO {link} ({columns}) VALUES ",  # noqa: S608
        "unqueue": f"DELETE FROM {pending} WHERE {event_id} IN ",  # noqa: S608
        "move": f"UPDATE {head} SET {q('last_hash')} = %s, {q('last_sequence')} = %s WHERE id = 1",  # noqa: S608
        "more": f"SELECT 1 FROM {pending} LIMIT 1",  # noqa: S608
        "exists": f"SELECT 1 FROM {head} WHERE id = 1",  # noqa: S608 - no lock: is there a head at all
    }


def audit_seal(*, wait: bool = False, batch: int = SEAL_BATCH) -> int:
    """Link every committed event that waits, in short transactions; the number linked.

    Without `wait`, a caller that finds the head locked by another sealer leaves at once: that sealer looks for
    waiting events again after it commits (which is after this caller's events were committed), so it links
    them. With `wait` (verify, checkpoint, `waibao audit seal`) the caller queues for the head.

    It runs after every commit, so it is written in plain SQL and no model instances, a fraction of what the
    same work costs through the ORM: read the head, read the queue, write the links, empty the queue and move
    the head (on PostgreSQL the three writes are one statement), commit, and look at the queue again.
    """
    ring = key_ring()
    postgres = connection.vendor == "postgresql"
    sql = _seal_sql(postgres=postgres, wait=wait)
    sealed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql["head"])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(sql["exists"])  # at 8 writers, most seals find the head held: no ORM here
                if cursor.fetchone() is not None:
                    return sealed  # another sealer holds the head and will link these events
                AuditChainHead.objects.create(pk=1, last_hash=GENESIS, last_sequence=0)
                cursor.execute(sql["head"])
                row = cursor.fetchone()
            prev, sequence = row[0], int(row[1])
            # The waiting events with their keyed hashes, in one query (the queue's key is the event's id).
            cursor.execute(sql["waiting"], [batch])
            waiting = cursor.fetchall()
            if not waiting:
                return sealed
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            rows: list[tuple[Any, ...]] = []
            for event_id, mac in waiting:
                sequence += 1
                digest = link_hash(
                    ring, key_id=ring.current_id, prev_hash=prev, sequence=sequence, event_id=event_id, mac=mac
                )
                rows.append((sequence, event_id, ring.current_id, prev, digest, now))
                prev = digest
            ids = [event_id for event_id, _mac in waiting]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * min(len(rows), 500))
            unqueue = sql["unqueue"] + "(" + ", ".join(["%s"] * len(ids)) + ")"
            if postgres and len(rows) <= 500:
                # The three writes in one statement (data-modifying WITH: one round trip instead of three).
                cursor.execute(
                    f"WITH linked AS ({sql['link']}{values}), unqueued AS ({unqueue}) {sql['move']}",
                    [*_flat(rows), *ids, prev, sequence],
                )
            else:
                for start in range(0, len(rows), 500):
                    chunk = rows[start : start + 500]
                    cursor.execute(sql["link"] + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk)), _flat(chunk))
                cursor.execute(unqueue, ids)
                cursor.execute(sql["move"], [prev, sequence])
        sealed += len(rows)
        # Look again after the commit: events committed while the head was held (their writers skipped it).
        with connection.cursor() as cursor:
            cursor.execute(sql["more"])
            if cursor.fetchone() is None:
                return sealed


# --- checkpoints and verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a moment, kept outside the database (a file, a log, another system)."""

    sequence: int
    hash: str
    time: str

    def to_json(self) -> str:
        return json.dumps({"sequence": self.sequence, "hash": self.hash, "time": self.time}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("a checkpoint is a JSON object")
        sequence, digest, time = raw.get("sequence"), raw.get("hash"), raw.get("time", "")
        if not isinstance(sequence, int) or sequence < 0 or not isinstance(digest, str) or len(digest) != 64:
            raise ValueError("a checkpoint needs an integer `sequence` and a 64-character `hash`")
        return cls(sequence=sequence, hash=digest, time=str(time))


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """Checkpoints from a file: one JSON object a line (as `audit checkpoint --file` appends them)."""
    return [Checkpoint.from_json(line) for line in text.splitlines() if line.strip()]


def audit_checkpoint() -> Checkpoint:
    """Seal what waits, then the head: (sequence, hash, time) to keep outside the database."""
    audit_seal(wait=True)
    head = AuditChainHead.objects.filter(pk=1).first()
    now = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    if head is None:
        return Checkpoint(sequence=0, hash=GENESIS, time=now)
    return Checkpoint(sequence=head.last_sequence, hash=head.last_hash, time=now)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None
    reason: str
    broken: bool = False

    @property
    def ok(self) -> bool:
        return not self.broken


def _broken(checked: int, event_id: int | None, reason: str) -> ChainReport:
    return ChainReport(checked, event_id, reason, broken=True)


def audit_verify(*, checkpoints: Sequence[Checkpoint] = ()) -> ChainReport:
    """Walk the chain in order; name the first event whose content, key, link or place does not match."""
    audit_seal(wait=True)
    ring = key_ring()
    at = {c.sequence: c for c in checkpoints}
    prev = GENESIS
    checked = 0
    for link in AuditChainLink.objects.select_related("event").order_by("sequence").iterator(chunk_size=2000):
        event = link.event
        if link.sequence != checked + 1:
            return _broken(checked, event.pk, f"link {checked + 1} is missing (the chain jumps to {link.sequence})")
        if link.prev_hash != prev:
            return _broken(checked, event.pk, "previous-hash link does not match (a link before it was changed)")
        for key_id in (event.key_id, link.key_id):
            if key_id not in ring.keys:
                return _broken(checked, event.pk, f"signed with an unknown key “{key_id}”")
        if _stored_event_mac(ring, event) != event.mac:
            return _broken(checked, event.pk, "content does not match its keyed hash (the row was changed)")
        expected = link_hash(
            ring, key_id=link.key_id, prev_hash=link.prev_hash, sequence=link.sequence, event_id=event.pk, mac=event.mac
        )
        if expected != link.hash:
            return _broken(checked, event.pk, "its link does not match its keyed hash (the chain was rewritten)")
        checkpoint = at.get(link.sequence)
        if checkpoint is not None and checkpoint.hash != link.hash:
            return _broken(
                checked, event.pk, f"link {link.sequence} differs from the checkpoint of {checkpoint.time} (rewritten)"
            )
        prev = link.hash
        checked += 1
    for checkpoint in checkpoints:
        if checkpoint.sequence > checked:
            return _broken(
                checked,
                None,
                f"the chain ends at link {checked} but the checkpoint of {checkpoint.time} recorded link "
                f"{checkpoint.sequence}: links were removed",
            )
        if checkpoint.sequence == 0 and checkpoint.hash != GENESIS:
            return _broken(checked, None, "the checkpoint of an empty chain has a wrong hash")
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.last_sequence != checked):
        return _broken(checked, None, "the newest links were removed (chain head does not match)")
    loose = (
        AuditEvent.objects.filter(link__isnull=True)
        .exclude(pk__in=AuditPending.objects.values("event_id"))  # committed after the seal above
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if loose is not None:
        return _broken(checked, loose, "the event is not in the chain (its link was removed, or it was inserted)")
    return ChainReport(checked, None, "")
