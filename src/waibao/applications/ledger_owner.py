"""The applications area as the owner of the ledger's commitments (registered in `AppConfig.ready`).

The ledger's pages pay, release and reverse an application's commitment through these functions, so the money
and the application's status move in one transaction (the application's services call down into the ledger);
the application's ledger page follows `access_application`; `waibao ledger check` asks
`status_disagreements` whether every application's status agrees with its commitments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from waibao.applications.access import access_application
from waibao.applications.models import Application, ApplicationStatus
from waibao.ledger.models import Commitment, CommitmentStatus
from waibao.ledger.owners import CommitmentOwner

S = ApplicationStatus


def _pay(*, acting_user: Any, commitment: Commitment, amount: Any, idempotency_key: str, record: Any = None) -> Any:
    from waibao.applications.services import application_record_payment

    return application_record_payment(
        acting_user=acting_user,
        application=commitment.application,
        amount=amount,
        idempotency_key=idempotency_key,
        record=record,
    )


def _release(*, acting_user: Any, commitment: Commitment, amount: Any, reason: str, idempotency_key: Any) -> Any:
    from waibao.applications.services import application_release

    return application_release(
        acting_user=acting_user,
        application=commitment.application,
        amount=amount,
        reason=reason,
        idempotency_key=idempotency_key,
    )


def _reverse(*, acting_user: Any, entry: Any, reason: str) -> Any:
    from waibao.applications.services import application_reverse_entry

    return application_reverse_entry(
        acting_user=acting_user, application=entry.commitment.application, entry=entry, reason=reason
    )


def expected_status(commitments: list[tuple[str, Any]]) -> frozenset[str] | None:
    """The statuses an application may have given its commitments' states (None: any status without money).

    Money open on a live commitment → committed; the live commitment settled → paid; every commitment
    released with nothing paid → rejected (release_all)."""
    live = [status for status, _paid in commitments if status != CommitmentStatus.RELEASED]
    if live:
        if live[0] == CommitmentStatus.SETTLED:
            return frozenset({S.PAID})
        return frozenset({S.COMMITTED})
    if commitments:
        return frozenset({S.REJECTED})
    return None


def status_disagreements() -> list[str]:
    """One line per application whose status does not agree with its commitments (for the CLI, in English)."""
    by_application: dict[int, list[tuple[str, Any]]] = {}
    for application_id, status, paid in Commitment.objects.filter(application__isnull=False).values_list(
        "application_id", "status", "paid"
    ):
        by_application.setdefault(application_id, []).append((status, paid))
    problems: list[str] = []
    statuses = dict(
        Application.objects.filter(
            Q(pk__in=by_application.keys())
            # a commendation without money (approved amount 0) is finally approved with nothing to commit
            | (Q(status__in=(S.COMMITTED, S.PAID)) & ~Q(approved_amount_cny=0))
        ).values_list("pk", "status")
    )
    for application_id, status in sorted(statuses.items()):
        expected = expected_status(by_application.get(application_id, []))
        if expected is None and status in (S.COMMITTED, S.PAID):
            problems.append(f"application {application_id}: status {status} but nothing is committed on the ledger")
        elif expected is not None and status not in expected:
            problems.append(
                f"application {application_id}: status {status} but its commitment implies "
                + " / ".join(sorted(expected))
            )
    return problems


OWNER = CommitmentOwner(
    access=access_application,
    pay=_pay,
    release=_release,
    reverse=_reverse,
    disagreements=status_disagreements,
)
