"""The ledger locks only the rows it means (issue 16): the budget line and the commitment, not the fund,
source, category or application rows that `select_related` joins to them. Before, every ledger write on a
fund locked the fund row and so waited for every other writer on that fund."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.common.locks import row_locks
from waibao.accounts.models import User
from waibao.applications.models import Application
from waibao.ledger.services import commitment_create, payment_create

pytestmark = pytest.mark.django_db


def test_commit_and_pay_lock_the_chain_head_line_and_commitment_only(
    make_application: Callable[..., Application], office: User, finance: User
) -> None:
    application = make_application()
    with row_locks() as locks:
        commitment = commitment_create(acting_user=office, application=application, amount=Decimal("1000.00"))
        payment_create(acting_user=finance, commitment=commitment, amount=Decimal("400.00"), idempotency_key="k1")
    assert {"ledger_budgetline"} in locks and {"ledger_commitment"} in locks
    assert all(len(tables) == 1 for tables in locks), locks
    assert set().union(*locks) <= {
        "audit_auditchainhead",
        "ledger_budgetline",
        "ledger_commitment",
        "applications_application",
    }
