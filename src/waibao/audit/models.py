"""Audit events: append-only, each keyed (HMAC) when written and chained in a short sealing step after commit.

Two tables, both append-only (the database refuses UPDATE, DELETE and, on PostgreSQL, TRUNCATE):

- `AuditEvent`: what happened, written in the transaction of the change it records, with `mac`, an HMAC of its
  content under the key named by `key_id` (a key held outside the database, `audit/keys.py`). Writing one takes
  no shared lock, so independent writers do not wait for each other.
- `AuditChainLink`: the event's place in the chain (`sequence` 1, 2, 3 …) and `hash`, an HMAC over the
  previous link's hash, the sequence, the event's id and its `mac`. Links are written after the business
  transaction commits, by `services.audit_seal`, in a short transaction that locks `AuditChainHead`.

`AuditPending` lists the events not sealed yet (the sealer's work queue; a row removed from it by hand leaves
an event without a link, which `audit verify` reports).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened. `mac` covers this row's content under the key `key_id`."""

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    key_id = models.CharField(max_length=32, default="")
    mac = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditChainLink(models.Model):
    """An event's place in the chain: `hash` = HMAC(key, previous hash, sequence, event id, event mac)."""

    sequence = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="link")
    key_id = models.CharField(max_length=32)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["sequence"]
        constraints = [models.CheckConstraint(name="audit_link_sequence_positive", condition=models.Q(sequence__gt=0))]

    def __str__(self) -> str:
        return f"#{self.sequence} → event {self.event_id}"


class AuditPending(models.Model):
    """An event written but not yet sealed into the chain (removed by the sealer when it links the event)."""

    event = models.OneToOneField(AuditEvent, primary_key=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"event {self.event_id} waiting to be sealed"


class AuditChainHead(models.Model):
    """The newest link; one row, locked only by the short sealing step."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_sequence = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(name="audit_chain_single_row", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return f"audit chain head at link {self.last_sequence}"
