"""The rollup equals a recomputation from raw approved records after a random sequence of changes."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from tests.factories import EnterpriseFactory, make_user
from tests.statistics.conftest import TODAY, enterprise_of
from waibao.accounts.models import Role, User
from waibao.common.errors import DomainError
from waibao.registry.models import OwnershipType, Zone
from waibao.statistics import rollup
from waibao.statistics.models import Contract, Execution, RecordStatus
from waibao.statistics.services import contract_save, execution_save, record_transition

pytestmark = pytest.mark.django_db

CATEGORIES = ("ito-software-dev", "bpo-hr", "kpo-analytics", "ito-operations")
COUNTRIES = ("US", "JP", "CN", "HK", "TW")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_approvals_returns_and_corrections_keep_the_rollup_exact(rates: None, office: User, seed: int) -> None:
    rng = random.Random(seed)
    zones = list(Zone.objects.all()[:3])
    owners = list(OwnershipType.objects.all()[:3])
    users = [
        make_user(
            Role.ENTERPRISE,
            username=f"r{seed}-{i}",
            enterprise=EnterpriseFactory(zone=zones[i % len(zones)] if i else None, ownership_type=owners[i % 3]),
        )
        for i in range(3)
    ]
    records: list[tuple[Any, User]] = []
    checked = 0
    for step in range(240):
        user = rng.choice(users)
        roll = rng.random()
        try:
            if roll < 0.2 or not records:
                contract = contract_save(
                    acting_user=user,
                    enterprise=enterprise_of(user),
                    fields={
                        "contract_no": f"C{step}",
                        "client_name": "X",
                        "client_country": rng.choice(COUNTRIES),
                        "category": rng.choice(CATEGORIES),
                        "currency": rng.choice(("USD", "JPY", "CNY", "HKD")),
                        "amount": str(rng.randint(1000, 900000)),
                        "signed_date": date(2007, rng.randint(1, 6), rng.randint(1, 28)),
                    },
                    today=TODAY,
                )
                records.append((contract, user))
            elif roll < 0.4:
                contracts = [c for c, _u in records if isinstance(c, Contract)]
                contract = rng.choice(contracts)
                owner = next(u for c, u in records if c.pk == contract.pk and isinstance(c, Contract))
                execution = execution_save(
                    acting_user=owner,
                    contract=contract,
                    fields={
                        "date": date(2007, rng.randint(1, 6), rng.randint(1, 28)),
                        "currency": rng.choice(("USD", "CNY")),
                        "amount": str(rng.randint(10, 5000)),
                        "over_reason": "test",
                    },
                    today=TODAY,
                )
                records.append((execution, owner))
            else:
                record, owner = rng.choice(records)
                record.refresh_from_db()
                if record.status in (RecordStatus.DRAFT, RecordStatus.RETURNED):
                    if record.status == RecordStatus.DRAFT and isinstance(record, Contract) and rng.random() < 0.3:
                        # a correction may change the dimensions the contract (and its executions) count under
                        contract_save(
                            acting_user=owner,
                            enterprise=enterprise_of(owner),
                            contract=record,
                            today=TODAY,
                            fields={
                                "contract_no": record.contract_no,
                                "client_name": "Y",
                                "client_country": rng.choice(COUNTRIES),
                                "category": rng.choice(CATEGORIES),
                                "currency": record.currency,
                                "amount": str(rng.randint(1000, 900000)),
                                "signed_date": date(2007, rng.randint(1, 6), 1),
                            },
                        )
                    record_transition(acting_user=owner, record=record, action="submit", today=TODAY)
                elif record.status == RecordStatus.SUBMITTED:
                    action = "approve" if rng.random() < 0.75 else "return"
                    record_transition(acting_user=office, record=record, action=action, reason="r", today=TODAY)
                else:
                    record_transition(acting_user=owner, record=record, action="correct", reason="fix", today=TODAY)
        except DomainError:
            pass  # refusals (execution before its contract is approved …) are part of the sequence
        if step % 30 == 29:
            assert rollup.differences() == []
            checked += 1
    assert rollup.differences() == []
    assert Execution.objects.filter(status=RecordStatus.APPROVED).exists()
    assert Contract.objects.filter(status=RecordStatus.APPROVED).exists()
    assert checked == 8


def test_rebuild_restores_a_damaged_rollup(rates: None, approved_contract: Any) -> None:
    from waibao.statistics.models import IndicatorRollup

    approved_contract()
    IndicatorRollup.objects.update(contract_count=7)
    assert rollup.differences()
    rollup.rebuild()
    assert rollup.differences() == []
