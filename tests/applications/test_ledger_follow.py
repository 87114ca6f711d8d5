"""The application follows its commitment when the ledger releases money or reverses an entry recorded in error."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.applications.test_services import software_export, to_notice
from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.services import (
    application_record_payment,
    application_release,
    application_reverse_entry,
    application_transition,
)
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError
from waibao.common.request_keys import issue_request_key
from waibao.ledger.models import EntryKind, LedgerEntry
from waibao.ledger.selectors import ledger_reconcile

S = ApplicationStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(
    routing: Any, enterprise_user: User, reviewer: User, office: User, later: Callable[[int], None]
) -> Application:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    later(8)
    return application_transition(acting_user=office, application=application, action="final_approve")


def commitment_of(application: Application) -> Any:
    return application.commitments.get()  # type: ignore[attr-defined]


def test_releasing_everything_rejects_the_application(committed: Application, finance: User) -> None:
    application = application_release(acting_user=finance, application=committed, reason="企业放弃")
    assert application.status == S.REJECTED and application.status_reason == "企业放弃"
    commitment = commitment_of(application)
    assert commitment.released == Decimal("200000.00") and commitment.paid == 0
    assert AuditEvent.objects.filter(action="application.release_all").count() == 1
    assert not ledger_reconcile()


def test_paying_part_then_releasing_the_rest_settles_as_paid(committed: Application, finance: User) -> None:
    application_record_payment(acting_user=finance, application=committed, amount="150000", idempotency_key="k1")
    application = application_release(acting_user=finance, application=committed, reason="按实际核减")
    assert application.status == S.PAID
    commitment = commitment_of(application)
    assert (commitment.paid, commitment.released) == (Decimal("150000.00"), Decimal("50000.00"))


def test_partial_release_keeps_waiting_for_payment(committed: Application, office: User) -> None:
    application = application_release(acting_user=office, application=committed, amount="50000", reason="核减")
    assert application.status == S.COMMITTED
    assert commitment_of(application).open_amount == Decimal("150000.00")


def test_reversed_payment_reopens_then_pays_again(committed: Application, finance: User) -> None:
    application = application_record_payment(
        acting_user=finance, application=committed, amount="200000", idempotency_key="pay-1"
    )
    assert application.status == S.PAID
    payment = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    application_reverse_entry(acting_user=finance, application=application, entry=payment, reason="付错账户")
    application.refresh_from_db()
    assert application.status == S.COMMITTED
    application = application_record_payment(
        acting_user=finance, application=application, amount="200000", idempotency_key="pay-2"
    )
    assert application.status == S.PAID and commitment_of(application).paid == Decimal("200000.00")
    assert not ledger_reconcile()


def test_reversed_release_reopens_a_rejected_application(committed: Application, finance: User) -> None:
    application_release(acting_user=finance, application=committed, reason="误操作")
    release = LedgerEntry.objects.get(kind=EntryKind.RELEASE)
    application_reverse_entry(acting_user=finance, application=committed, entry=release, reason="撤销误操作")
    committed.refresh_from_db()
    assert committed.status == S.COMMITTED


def test_release_refused_for_the_wrong_role_or_state(committed: Application, reviewer: User, finance: User) -> None:
    with pytest.raises(DomainError):
        application_release(acting_user=reviewer, application=committed, reason="x")
    committed.refresh_from_db()
    assert committed.status == S.COMMITTED and commitment_of(committed).released == 0
    application_release(acting_user=finance, application=committed, reason="放弃")
    with pytest.raises(DomainError):
        application_release(acting_user=finance, application=committed, reason="again")


def test_ledger_pages_keep_the_application_in_step(
    committed: Application, finance: User, client_for: Callable[[User | None], Client]
) -> None:
    commitment = commitment_of(committed)
    client = client_for(finance)
    response = client.post(
        f"/ledger/commitments/{commitment.pk}/release/",
        {"reason": "企业放弃", "idempotency_key": issue_request_key(finance)},
    )
    assert response.status_code == 302
    committed.refresh_from_db()
    assert committed.status == S.REJECTED
    release = LedgerEntry.objects.get(kind=EntryKind.RELEASE)
    response = client.post(f"/ledger/entries/{release.pk}/reverse/", {"reason": "撤销"})
    assert response.status_code == 302
    committed.refresh_from_db()
    assert committed.status == S.COMMITTED
