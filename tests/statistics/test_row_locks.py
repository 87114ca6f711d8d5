"""Statistics review steps lock the record only (issue 16). They joined the enterprise and its zone (a
nullable foreign key): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join, so submit,
approve and return all failed there."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.common.locks import row_locks
from waibao.statistics.models import Contract, RecordStatus

pytestmark = pytest.mark.django_db


def test_submit_and_approve_lock_the_record_not_its_enterprise_or_zone(
    approved_contract: Callable[..., Contract],
) -> None:
    with row_locks() as locks:
        contract = approved_contract()
    assert contract.status == RecordStatus.APPROVED
    assert {"statistics_contract"} in locks
    assert not any({"registry_enterprise", "registry_zone"} & tables for tables in locks), locks
