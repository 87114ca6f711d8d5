"""The training subsidies indicator (SZ-2.2): commitments of the last twelve months paid within 20 working days."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.ledger.conftest import funds, make_application  # noqa: F401
from waibao.accounts.models import User
from waibao.applications.models import Application
from waibao.governance.indicators import training_subsidies_paid_in_time
from waibao.ledger.models import Commitment
from waibao.ledger.services import commitment_create, payment_create
from waibao.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_training_subsidies_paid_in_time(
    make_application: Callable[..., Application],  # noqa: F811
    office: User,
    finance: User,
    work_calendar: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = iter(range(100))

    def commit(on: datetime.date, *payments: datetime.date, rule: str = "HZ-17c") -> Commitment:
        monkeypatch.setattr(timezone, "now", lambda: _at(on))
        application = make_application(rule, 2009, zone="etdz")
        commitment = commitment_create(acting_user=office, application=application, amount=Decimal("2000"))
        for paid_on in payments:
            monkeypatch.setattr(timezone, "now", lambda paid_on=paid_on: _at(paid_on))
            payment_create(
                acting_user=finance, commitment=commitment, amount=Decimal("1000"), idempotency_key=f"k{next(keys)}"
            )
        return commitment

    # Two commitments made at the same moment count as two (one paid in time, twice; one paid late).
    commit(datetime.date(2009, 3, 2), datetime.date(2009, 3, 10), datetime.date(2009, 6, 1))
    commit(datetime.date(2009, 3, 2), datetime.date(2009, 5, 20))
    commit(datetime.date(2009, 2, 2))  # never paid, past its limit: late
    commit(datetime.date(2009, 6, 25))  # not paid yet, still within its limit: not counted
    commit(datetime.date(2008, 1, 10), datetime.date(2008, 1, 15))  # more than twelve months ago
    commit(datetime.date(2009, 3, 2), datetime.date(2009, 3, 3), rule="HZ-12a")  # not a training subsidy
    monkeypatch.undo()
    assert Commitment.objects.filter(created_at=_at(datetime.date(2009, 3, 2))).count() == 3
    value = training_subsidies_paid_in_time(datetime.date(2009, 6, 30), current_calendar())
    assert value.available
    assert (value.numerator, value.denominator) == (1, 3)
