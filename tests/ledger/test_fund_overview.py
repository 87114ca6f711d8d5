"""The fund overview by source alone (the cockpit's) gives the same totals as the whole overview."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from waibao.accounts.models import User
from waibao.applications.models import Application
from waibao.ledger.selectors import fund_overview
from waibao.ledger.services import commitment_create, payment_create


def test_the_totals_by_source_are_the_whole_overviews(
    make_application: Callable[..., Application], office: User, finance: User
) -> None:
    for n, (rule, zone) in enumerate((("HZ-12a", "htz"), ("HZ-17c", "etdz"), ("HZ-12a", None))):
        application = make_application(rule, 2008, zone=zone)
        commitment = commitment_create(acting_user=office, application=application, amount=Decimal("12345.67"))
        payment_create(acting_user=finance, commitment=commitment, amount=Decimal("1000.01"), idempotency_key=f"p{n}")
    for fund_code in (None, "special_fund", "no-such-fund"):
        whole = fund_overview(year=2008, fund_code=fund_code)
        by_source = fund_overview(year=2008, fund_code=fund_code, sources_only=True)
        assert [(s.pk, t) for s, t in by_source.sources] == [(s.pk, t) for s, t in whole.sources]
        assert by_source.total == whole.total
        assert by_source.funds == by_source.categories == by_source.lines == []
    paid = fund_overview(year=2008, sources_only=True).total
    assert paid.paid == Decimal("3000.03") and paid.committed == Decimal("34036.98")
    assert fund_overview(year=1999, sources_only=True).sources == []


def test_without_commitments_the_totals_by_source_are_the_budgets(funds: Path) -> None:
    """Without commitments, the totals by source are the budgets."""
    overview = fund_overview(year=2009, fund_code="special_fund", sources_only=True)
    assert overview.total.budgeted == Decimal("100000000.00") and overview.total.available == overview.total.budgeted
