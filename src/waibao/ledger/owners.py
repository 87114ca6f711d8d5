"""What the ledger asks of the higher area whose records its commitments belong to (applications).

The ledger is the lower area: it knows commitments, not applications, and imports nothing above it. The area
that owns the commitments registers itself here at start-up (`AppConfig.ready`), so that:

- a payment, release or reversal made from a ledger page on an owned commitment goes through the owner's
  service, which moves the money by calling down into `ledger.services` and moves its own status in the same
  transaction;
- the ledger page of an owned record follows the owner's access check (its visibility rule, not the ledger's);
- `waibao ledger check` also asks the owner whether every record's status agrees with its commitments.

With no owner registered the ledger works on its own (its services and pages act on commitments directly).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CommitmentOwner:
    # access(user, record_id) -> the record, or raise NotFoundError / PermissionDeniedError
    access: Callable[[Any, Any], Any]
    # pay(acting_user=, commitment=, amount=, idempotency_key=)
    pay: Callable[..., Any]
    # release(acting_user=, commitment=, amount=, reason=, idempotency_key=)
    release: Callable[..., Any]
    # reverse(acting_user=, entry=, reason=) -> the reversal entry
    reverse: Callable[..., Any]
    # disagreements() -> one sentence per record whose status does not agree with its commitments
    disagreements: Callable[[], list[str]]


_owner: CommitmentOwner | None = None


def register_owner(owner: CommitmentOwner) -> None:
    global _owner
    _owner = owner


def commitment_owner() -> CommitmentOwner | None:
    return _owner
