"""The one access check per ledger object kind: budget lines, commitments, entries, an application's ledger.

The programme office and finance officers read the whole ledger; finance officers write (payments,
releases, reversals, budget). Every other role is refused whatever the id, so ids cannot be probed.
Applicants see their own payments through the applications pages (selectors.application_payments).
"""

from __future__ import annotations

from typing import Any

from waibao.accounts.models import Role
from waibao.common.errors import NotFoundError, PermissionDeniedError
from waibao.ledger.models import BudgetLine, Commitment, LedgerEntry
from waibao.ledger.owners import commitment_owner

READ_ROLES = frozenset({Role.PROGRAMME_OFFICE, Role.FINANCE_OFFICER})
WRITE_ROLES = frozenset({Role.FINANCE_OFFICER})


def can_read_ledger(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in READ_ROLES


def can_write_ledger(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in WRITE_ROLES


def _check(user: Any, *, write: bool) -> None:
    if not can_read_ledger(user):
        raise PermissionDeniedError()
    if write and not can_write_ledger(user):
        raise PermissionDeniedError()


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError() from None


def access_budget_line(user: Any, budget_line_id: int | str, *, write: bool = False) -> BudgetLine:
    _check(user, write=write)
    line = BudgetLine.objects.select_related("source__fund", "category").filter(pk=_pk(budget_line_id)).first()
    if line is None:
        raise NotFoundError()
    return line


def access_commitment(user: Any, commitment_id: int | str, *, write: bool = False) -> Commitment:
    _check(user, write=write)
    commitment = (
        Commitment.objects.select_related("budget_line__source__fund", "budget_line__category", "application")
        .filter(pk=_pk(commitment_id))
        .first()
    )
    if commitment is None:
        raise NotFoundError()
    return commitment


def access_entry(user: Any, entry_id: int | str, *, write: bool = False) -> LedgerEntry:
    _check(user, write=write)
    entry = LedgerEntry.objects.select_related("commitment", "budget_line").filter(pk=_pk(entry_id)).first()
    if entry is None:
        raise NotFoundError()
    return entry


def access_application_ledger(user: Any, application_id: int | str) -> Any:
    """The application whose ledger `user` may read: staff of the programme office and finance, and within
    those only the applications the applications area lets them see (its own access check, registered as the
    commitments' owner; finance does not see drafts)."""
    _check(user, write=False)
    owner = commitment_owner()
    if owner is None:
        raise NotFoundError()
    return owner.access(user, _pk(application_id))
