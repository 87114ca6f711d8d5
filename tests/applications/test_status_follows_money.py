"""Issue 8 §5: an application's status always matches its money.

Each test first reproduces what was reported on main: the generic action endpoint moved the status without the
ledger, `ledger check` did not notice, a guessable request key could block another user's step, and finance
could open a draft's ledger page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.applications.test_services import software_export, to_notice
from waibao.accounts.models import User
from waibao.applications.models import Application, ApplicationStatus
from waibao.applications.services import application_record_payment, application_transition
from waibao.common.errors import DomainError
from waibao.common.request_keys import issue_request_key, redeem_request_key
from waibao.ledger.models import EntryKind, LedgerEntry

S = ApplicationStatus
pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


@pytest.fixture
def committed(
    routing: Any, enterprise_user: User, reviewer: User, office: User, later: Callable[[int], None]
) -> Application:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    later(8)
    return application_transition(acting_user=office, application=application, action="final_approve")


def _form_key(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}"') :]
    match = re.search(r'name="idempotency_key" value="([^"]+)"', form)
    assert match, "the form carries a key issued by the server"
    return match.group(1)


@pytest.mark.parametrize(("action", "role"), [("release_all", "office"), ("release_rest", "finance")])
def test_the_generic_action_endpoint_refuses_steps_that_follow_the_ledger(
    committed: Application, client_for: ClientFor, action: str, role: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role)
    response = client_for(user).post(f"/applications/{committed.pk}/action/", {"action": action, "reason": "x"})
    assert response.status_code == 302
    committed.refresh_from_db()
    assert committed.status == S.COMMITTED, "the status moved without the money"
    assert committed.commitments.get().open_amount == Decimal("200000.00")  # type: ignore[attr-defined]
    call_command("ledger", "check")


def test_reopen_payment_is_refused_by_the_generic_endpoint_after_full_payment(
    committed: Application, finance: User, client_for: ClientFor
) -> None:
    application_record_payment(acting_user=finance, application=committed, amount="200000", idempotency_key="p1")
    client = client_for(finance)
    client.post(f"/applications/{committed.pk}/action/", {"action": "reopen_payment", "reason": "x"})
    client.post(f"/applications/{committed.pk}/action/", {"action": "release_all", "reason": "x"})
    committed.refresh_from_db()
    assert committed.status == S.PAID
    with pytest.raises(DomainError):
        application_transition(acting_user=finance, application=committed, action="reopen_payment", reason="x")


def test_ledger_check_fails_when_a_status_disagrees_with_its_commitment(committed: Application) -> None:
    call_command("ledger", "check")
    Application.objects.filter(pk=committed.pk).update(status=S.REJECTED)  # what the old endpoint did
    with pytest.raises(CommandError, match="status"):
        call_command("ledger", "check")
    Application.objects.filter(pk=committed.pk).update(status=S.PAID)  # paid with the money still open
    with pytest.raises(CommandError):
        call_command("ledger", "check")


def test_ledger_check_fails_for_a_paid_application_without_money(
    routing: Any, enterprise_user: User, reviewer: User, office: User
) -> None:
    application = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    call_command("ledger", "check")
    Application.objects.filter(pk=application.pk).update(status=S.PAID)
    with pytest.raises(CommandError):
        call_command("ledger", "check")


def test_a_guessable_key_cannot_block_another_users_step(
    routing: Any,
    enterprise_user: User,
    reviewer: User,
    office: User,
    finance: User,
    later: Callable[[int], None],
    client_for: ClientFor,
) -> None:
    """On main the commitment's key was `application-<pk>-commit`: a payment posted with that key first made
    the final approval fail with a key conflict. Keys are now issued by the server per form and user."""
    first = to_notice(software_export(enterprise_user), reviewer, office, "200000.00")
    second = to_notice(software_export(enterprise_user, year=2009), reviewer, office, "200000.00")
    later(8)
    application_transition(acting_user=office, application=first, action="final_approve")
    client = client_for(finance)
    response = client.post(
        f"/applications/{first.pk}/pay/", {"amount": "1", "idempotency_key": f"application-{second.pk}-commit"}
    )
    assert response.status_code == 302
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists(), "a key the server did not issue"
    application_transition(acting_user=office, application=second, action="final_approve")
    assert not LedgerEntry.objects.filter(idempotency_key__startswith="application-").exists()


def test_request_keys_are_random_single_form_and_tied_to_the_user(committed: Application, finance: User) -> None:
    other = User.objects.create_user(username="finance-2", password="x", role=finance.role)
    token = issue_request_key(finance)
    assert token != issue_request_key(finance)
    key = redeem_request_key(finance, token)
    assert key == redeem_request_key(finance, token)  # the same form sent twice: the same ledger key
    with pytest.raises(DomainError):
        redeem_request_key(other, token)
    with pytest.raises(DomainError):
        redeem_request_key(finance, "application-1-commit")


def test_paying_twice_with_the_same_form_pays_once(
    committed: Application, finance: User, client_for: ClientFor
) -> None:
    client = client_for(finance)
    page = client.get(f"/applications/{committed.pk}/").content.decode()
    key = _form_key(page, f"/applications/{committed.pk}/pay/")
    for _ in range(2):
        client.post(f"/applications/{committed.pk}/pay/", {"amount": "40000", "idempotency_key": key})
    assert committed.commitments.get().paid == Decimal("40000.00")  # type: ignore[attr-defined]


def test_finance_cannot_open_the_ledger_page_of_a_draft(
    routing: Any, enterprise_user: User, finance: User, office: User, client_for: ClientFor
) -> None:
    draft = software_export(enterprise_user, submit=False)
    assert client_for(finance).get(f"/ledger/applications/{draft.pk}/").status_code == 404
    assert client_for(finance).get(f"/ledger/applications/{draft.pk}/export.xlsx").status_code == 404
    assert client_for(office).get(f"/ledger/applications/{draft.pk}/").status_code == 404


def test_finance_opens_the_ledger_page_of_a_committed_application(
    committed: Application, finance: User, client_for: ClientFor
) -> None:
    assert client_for(finance).get(f"/ledger/applications/{committed.pk}/").status_code == 200
