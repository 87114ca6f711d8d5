"""The ledger services: earmarking, budget, commitment, payment, release, reversal and their refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import make_user
from tests.ledger.conftest import line
from waibao.accounts.models import Role, User
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.ledger.dataset import load_ledger_dataset
from waibao.ledger.models import (
    BudgetLine,
    Commitment,
    CommitmentStatus,
    EntryKind,
    FundSource,
    LedgerEntry,
)
from waibao.ledger.selectors import (
    application_ledger,
    application_payments,
    budget_line_available,
    fund_overview,
    ledger_reconcile,
    live_commitment,
    monthly_statement,
)
from waibao.ledger.services import (
    budget_allocate,
    budget_line_ensure,
    budget_line_for_application,
    commitment_create,
    commitment_release,
    entry_reverse,
    payment_create,
)

D = Decimal
MakeApp = Callable[..., Any]


def assert_balanced() -> None:
    assert ledger_reconcile() == []


# --- data set --------------------------------------------------------------------------------------------


def test_default_data_set_budgets_each_source_its_annual_amount(funds: Path) -> None:
    for code, annual in (("city-finance", "30000000"), ("etdz", "50000000"), ("htz", "20000000")):
        source = FundSource.objects.get(fund__code="special_fund", code=code)
        assert source.annual_amount == D(annual)
        for year in (2007, 2008, 2009, 2010):
            lines = BudgetLine.objects.filter(source=source, year=year)
            assert lines.count() == 10
            assert sum(x.budgeted for x in lines) == D(annual)
            assert all(x.is_demo_allocation for x in lines)
    overview = fund_overview(year=2008, fund_code="special_fund")
    assert overview.total.budgeted == D("100000000.00")
    from waibao.ledger.selectors import totals_by_year

    assert [(y, t.budgeted) for y, t in totals_by_year(fund_code="special_fund")] == [
        (year, D("100000000.00")) for year in (2007, 2008, 2009, 2010)
    ]
    assert_balanced()


def test_loading_the_data_set_twice_budgets_once(funds: Path) -> None:
    entries = LedgerEntry.objects.count()
    load_ledger_dataset(funds)
    assert LedgerEntry.objects.count() == entries
    assert fund_overview(year=2009, fund_code="special_fund").total.budgeted == D("100000000.00")


def test_budget_shares_that_do_not_add_up_are_refused(tmp_path: Path, dataset: Path) -> None:
    from waibao.common.dataset import DatasetError

    text = (dataset / "funds.yaml").read_text(encoding="utf-8").replace("central-matching: 10", "central-matching: 11")
    (tmp_path / "funds.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match="add up to 101"):
        load_ledger_dataset(tmp_path)


# --- choosing the budget line (earmarking) ---------------------------------------------------------------


def test_line_is_chosen_by_earmark_year_and_zone(make_application: MakeApp) -> None:
    htz = make_application("HZ-12a", 2008, zone="htz")
    assert budget_line_for_application(application=htz) == line("special_fund", "htz", "software-export", 2008)
    etdz = make_application("HZ-17c", 2009, zone="etdz")
    assert budget_line_for_application(application=etdz) == line("special_fund", "etdz", "training", 2009)
    elsewhere = make_application("HZ-12c", 2007, zone="digital-entertainment-park")
    assert budget_line_for_application(application=elsewhere) == line("special_fund", "city-finance", "rd-centre", 2007)
    no_zone = make_application("HZ-15", 2010)
    assert budget_line_for_application(application=no_zone) == line("special_fund", "city-finance", "platform", 2010)
    sme = make_application("HZ-13a", 2008, zone="htz", fund_code="sme_international_market_fund")
    assert budget_line_for_application(application=sme) == line(
        "sme_international_market_fund", "sme-fund", "certification", 2008
    )


def test_commitment_on_a_line_of_another_category_is_refused(make_application: MakeApp, office: User) -> None:
    application = make_application("HZ-12a", 2008)
    wrong = line("special_fund", "city-finance", "training", 2008)
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=application, amount=D("200000"), budget_line=wrong)
    assert exc.value.code == "earmark"
    other_year = line("special_fund", "city-finance", "software-export", 2009)
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=application, amount=D("200000"), budget_line=other_year)
    assert exc.value.code == "earmark"
    assert Commitment.objects.count() == 0


def test_rules_without_earmark_or_fund_are_refused(make_application: MakeApp, office: User) -> None:
    tax = make_application("HZ-10", 2008, fund_code="tax")
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=tax, amount=D("1"))
    assert exc.value.code == "no_earmark"
    unknown_fund = make_application("HZ-12a", 2008, fund_code="zone")
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=unknown_fund, amount=D("1"))
    assert exc.value.code == "no_fund"
    after_2010 = make_application("HZ-12a", 2011)
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=after_2010, amount=D("1"))
    assert exc.value.code == "no_budget_line"


def test_a_commitment_goes_on_the_zone_line_or_the_default_line(make_application: MakeApp, office: User) -> None:
    htz = make_application("HZ-12a", 2008, zone="htz")
    commitment = commitment_create(acting_user=office, application=htz, amount=D("1000"))
    assert commitment.budget_line == line("special_fund", "htz", "software-export", 2008)
    elsewhere = make_application("HZ-12a", 2008, zone="digital-entertainment-park")
    commitment = commitment_create(acting_user=office, application=elsewhere, amount=D("1000"))
    assert commitment.budget_line == line("special_fund", "city-finance", "software-export", 2008)
    assert line("special_fund", "htz", "software-export", 2008).committed == D("1000.00")


def test_a_fund_without_a_source_to_pay_from_is_refused(make_application: MakeApp, office: User) -> None:
    FundSource.objects.filter(fund__code="special_fund").update(is_default=False)
    application = make_application("HZ-12a", 2008)
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=application, amount=D("1"))
    assert exc.value.code == "no_source"
    assert Commitment.objects.count() == 0


def test_a_zone_source_without_the_year_line_is_refused_not_paid_from_the_default(
    make_application: MakeApp, office: User
) -> None:
    default = line("special_fund", "city-finance", "software-export", 2010)
    budget_line_ensure(acting_user=None, source=default.source, category=default.category, year=2011)
    application = make_application("HZ-12a", 2011, zone="htz")  # the city's line for 2011 exists, the zone's not
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=application, amount=D("1"))
    assert exc.value.code == "no_budget_line"
    assert FundSource.objects.get(code="htz").name in exc.value.message
    assert Commitment.objects.count() == 0


# --- commitments ----------------------------------------------------------------------------------------


def test_commitment_moves_the_line_and_writes_entry_and_audit(make_application: MakeApp, office: User) -> None:
    application = make_application("HZ-12a", 2008, zone="htz")
    target = line("special_fund", "htz", "software-export", 2008)
    before = budget_line_available(budget_line_id=target.pk)
    events = AuditEvent.objects.count()
    commitment = commitment_create(acting_user=office, application=application, amount=D("200000"))
    target.refresh_from_db()
    assert commitment.budget_line == target
    assert commitment.status == CommitmentStatus.OPEN
    assert target.committed == D("200000.00")
    assert budget_line_available(budget_line_id=target.pk) == before - D("200000")
    entry = LedgerEntry.objects.get(commitment=commitment)
    assert (entry.kind, entry.amount, entry.delta_committed, entry.actor) == (
        EntryKind.COMMITMENT,
        D("200000.00"),
        D("200000.00"),
        office,
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and AuditEvent.objects.count() == events + 1
    assert event.action == "ledger.commitment"
    assert event.object_type == "applications.application" and event.object_id == str(application.pk)
    assert entry.audit_event_id == event.pk and event.data["amount"] == "200000.00"
    assert_balanced()


def test_insufficient_budget_is_refused_and_nothing_is_written(make_application: MakeApp, office: User) -> None:
    target = line("special_fund", "htz", "software-export", 2008)
    available = target.available
    first = make_application("HZ-12b", 2008, zone="htz")
    commitment_create(acting_user=office, application=first, amount=available - D("100"))
    second = make_application("HZ-12a", 2008, zone="htz")
    entries, events = LedgerEntry.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=second, amount=D("100.01"))
    assert exc.value.code == "insufficient_budget"
    assert "Insufficient budget" in str(exc.value.message) or "预算不足" in str(exc.value.message)
    assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == (entries, events)
    assert Commitment.objects.filter(application=second).count() == 0
    commitment_create(acting_user=office, application=second, amount=D("100.00"))
    target.refresh_from_db()
    assert target.available == D("0.00")
    assert_balanced()


def test_an_application_is_committed_once(make_application: MakeApp, office: User) -> None:
    application = make_application()
    commitment_create(acting_user=office, application=application, amount=D("200000"))
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=application, amount=D("200000"))
    assert exc.value.code == "already_committed"


def test_commitment_with_the_same_key_commits_once(make_application: MakeApp, office: User) -> None:
    application = make_application()
    first = commitment_create(acting_user=office, application=application, amount=D("5"), idempotency_key="k-1")
    again = commitment_create(acting_user=office, application=application, amount=D("5"), idempotency_key="k-1")
    assert first.pk == again.pk
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001", "NaN", "1e30"])
def test_bad_amounts_are_refused(make_application: MakeApp, office: User, amount: str) -> None:
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=make_application(), amount=amount)  # type: ignore[arg-type]
    assert exc.value.field == "amount"
    assert Commitment.objects.count() == 0


def test_float_amounts_are_refused(make_application: MakeApp, office: User) -> None:
    with pytest.raises(DomainError):
        commitment_create(acting_user=office, application=make_application(), amount=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.DEPARTMENT_REVIEWER, Role.ENTERPRISE])
def test_only_the_programme_office_commits(make_application: MakeApp, role: str) -> None:
    user = make_user(role, username=f"u-{role}")
    with pytest.raises(PermissionDeniedError):
        commitment_create(acting_user=user, application=make_application(), amount=D("1"))


# --- payments -------------------------------------------------------------------------------------------


@pytest.fixture
def commitment(make_application: MakeApp, office: User) -> Commitment:
    return commitment_create(
        acting_user=office, application=make_application("HZ-12a", 2008, zone="etdz"), amount=D("200000")
    )


def test_partial_payments_then_release_of_the_rest(commitment: Commitment, finance: User) -> None:
    payment_create(acting_user=finance, commitment=commitment, amount=D("50000"), idempotency_key="p1")
    commitment.refresh_from_db()
    assert (commitment.paid, commitment.status) == (D("50000.00"), CommitmentStatus.PARTLY_PAID)
    payment_create(acting_user=finance, commitment=commitment, amount=D("100000.50"), idempotency_key="p2")
    release = commitment_release(acting_user=finance, commitment=commitment, reason="the rest is not due")
    assert release.amount == D("49999.50")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SETTLED
    assert commitment.open_amount == D("0.00")
    target = commitment.budget_line
    target.refresh_from_db()
    assert (target.committed, target.paid) == (D("0.00"), D("150000.50"))
    assert [e.kind for e in application_ledger(application_id=commitment.application_id)] == [
        "commitment",
        "payment",
        "payment",
        "release",
    ]
    assert [e.amount for e in application_payments(application_id=commitment.application_id)] == [
        D("50000.00"),
        D("100000.50"),
    ]
    assert_balanced()


def test_payment_never_exceeds_the_open_commitment(commitment: Commitment, finance: User) -> None:
    payment_create(acting_user=finance, commitment=commitment, amount=D("150000"), idempotency_key="a")
    with pytest.raises(DomainError) as exc:
        payment_create(acting_user=finance, commitment=commitment, amount=D("50000.01"), idempotency_key="b")
    assert exc.value.code == "exceeds_commitment"
    commitment.refresh_from_db()
    assert commitment.paid == D("150000.00")
    assert_balanced()


def test_the_same_payment_key_pays_once(commitment: Commitment, finance: User) -> None:
    first = payment_create(acting_user=finance, commitment=commitment, amount=D("1000"), idempotency_key="dup")
    again = payment_create(acting_user=finance, commitment=commitment, amount=D("1000"), idempotency_key="dup")
    assert first.pk == again.pk
    commitment.refresh_from_db()
    assert commitment.paid == D("1000.00")
    with pytest.raises(DomainError) as exc:
        payment_create(acting_user=finance, commitment=commitment, amount=D("999"), idempotency_key="dup")
    assert exc.value.code == "idempotency_conflict"
    with pytest.raises(DomainError):
        payment_create(acting_user=finance, commitment=commitment, amount=D("1"), idempotency_key="  ")


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICE, Role.DEPARTMENT_REVIEWER, Role.ENTERPRISE])
def test_only_finance_pays(commitment: Commitment, role: str) -> None:
    user = make_user(role, username=f"p-{role}")
    with pytest.raises(PermissionDeniedError):
        payment_create(acting_user=user, commitment=commitment, amount=D("1"), idempotency_key="x")


def test_release_after_rejection_frees_the_budget(commitment: Commitment, office: User) -> None:
    target = commitment.budget_line
    before = budget_line_available(budget_line_id=target.pk)
    commitment_release(acting_user=office, commitment=commitment, reason="rejected after commitment")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.RELEASED
    assert budget_line_available(budget_line_id=target.pk) == before + D("200000")
    assert live_commitment(application_id=commitment.application_id) is None
    with pytest.raises(DomainError) as exc:
        commitment_release(acting_user=office, commitment=commitment, reason="again")
    assert exc.value.code == "nothing_open"
    # a released application may be committed again
    again = commitment_create(acting_user=office, application=commitment.application, amount=D("1000"))
    assert live_commitment(application_id=commitment.application_id) == again


def test_release_needs_a_reason_and_stays_within_the_open_amount(commitment: Commitment, finance: User) -> None:
    with pytest.raises(DomainError):
        commitment_release(acting_user=finance, commitment=commitment, reason=" ")
    with pytest.raises(DomainError) as exc:
        commitment_release(acting_user=finance, commitment=commitment, amount=D("200000.01"), reason="too much")
    assert exc.value.code == "exceeds_commitment"


# --- reversals ------------------------------------------------------------------------------------------


def test_reversing_a_payment_reopens_the_commitment(commitment: Commitment, finance: User) -> None:
    payment = payment_create(acting_user=finance, commitment=commitment, amount=D("200000"), idempotency_key="r")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SETTLED
    reversal = entry_reverse(acting_user=finance, entry=payment, reason="paid the wrong account")
    assert reversal.reverses == payment
    assert (reversal.delta_paid, reversal.delta_committed) == (D("-200000.00"), D("200000.00"))
    commitment.refresh_from_db()
    assert (commitment.paid, commitment.status) == (D("0.00"), CommitmentStatus.OPEN)
    with pytest.raises(DomainError) as exc:
        entry_reverse(acting_user=finance, entry=payment, reason="again")
    assert exc.value.code == "already_reversed"
    with pytest.raises(DomainError) as exc:
        entry_reverse(acting_user=finance, entry=reversal, reason="undo the undo")
    assert exc.value.code == "not_reversible"
    payment_create(acting_user=finance, commitment=commitment, amount=D("200000"), idempotency_key="r2")
    assert_balanced()


def test_reversing_a_release_needs_budget(make_application: MakeApp, office: User, finance: User) -> None:
    target = line("special_fund", "htz", "rd-centre", 2010)
    first = commitment_create(
        acting_user=office, application=make_application("HZ-12c", 2010, zone="htz"), amount=target.available
    )
    release = commitment_release(acting_user=finance, commitment=first, amount=D("100"), reason="partly")
    commitment_create(acting_user=office, application=make_application("HZ-12c", 2010, zone="htz"), amount=D("100"))
    with pytest.raises(DomainError) as exc:
        entry_reverse(acting_user=finance, entry=release, reason="release was a mistake")
    assert exc.value.code == "insufficient_budget"
    assert_balanced()


def test_commitment_entries_are_not_reversed_but_released(commitment: Commitment, finance: User) -> None:
    entry = LedgerEntry.objects.get(commitment=commitment, kind=EntryKind.COMMITMENT)
    with pytest.raises(DomainError) as exc:
        entry_reverse(acting_user=finance, entry=entry, reason="no")
    assert exc.value.code == "not_reversible"


def test_budget_reversal_cannot_take_committed_money(commitment: Commitment, finance: User) -> None:
    extra = budget_allocate(
        acting_user=finance, budget_line=commitment.budget_line, amount=D("10"), reason="top up", idempotency_key="b1"
    )
    entry_reverse(acting_user=finance, entry=extra, reason="entered twice")
    base = LedgerEntry.objects.get(budget_line=commitment.budget_line, kind=EntryKind.BUDGET, reverses=None, actor=None)
    with pytest.raises(DomainError) as exc:
        entry_reverse(acting_user=finance, entry=base, reason="take it all back")
    assert exc.value.code == "insufficient_budget"
    assert_balanced()


# --- multi-year and conditional payments ----------------------------------------------------------------


def test_hz13b_only_in_the_two_years_after_hz13a(make_application: MakeApp, office: User) -> None:
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory()
    sme = "sme_international_market_fund"
    early = make_application("HZ-13b", 2008, enterprise=enterprise, item_key="CMMI")
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=early, amount=D("1000"))
    assert exc.value.code == "requires_prior_rule"
    first = make_application("HZ-13a", 2007, enterprise=enterprise, fund_code=sme, item_key="CMMI")
    commitment_create(acting_user=office, application=first, amount=D("300000"))
    commitment_create(acting_user=office, application=early, amount=D("1000"))
    second_year = make_application("HZ-13b", 2009, enterprise=enterprise, item_key="CMMI")
    commitment_create(acting_user=office, application=second_year, amount=D("1000"))
    third_year = make_application("HZ-13b", 2010, enterprise=enterprise, item_key="CMMI")
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=third_year, amount=D("1000"))
    assert exc.value.code == "requires_prior_rule"
    other_standard = make_application("HZ-13b", 2008, enterprise=enterprise, item_key="ISO27001")
    with pytest.raises(DomainError):
        commitment_create(acting_user=office, application=other_standard, amount=D("1000"))


def test_hz17b_hire_is_paid_only_once_the_hire_is_confirmed(
    make_application: MakeApp, office: User, finance: User
) -> None:
    application = make_application("HZ-17b-hire", 2008, amount=D("300"))
    commitment = commitment_create(acting_user=office, application=application, amount=D("300"))
    assert commitment.payment_condition == "hire_confirmed"
    with pytest.raises(DomainError) as exc:
        payment_create(acting_user=finance, commitment=commitment, amount=D("300"), idempotency_key="h")
    assert exc.value.code == "condition_not_met"
    application.hire_employer = "杭州某外包公司"
    application.hire_recorded_on = timezone.localdate()
    application.hire_confirmed_at = timezone.now()
    application.save()
    payment_create(acting_user=finance, commitment=commitment, amount=D("300"), idempotency_key="h")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SETTLED


# --- database guards ------------------------------------------------------------------------------------


def test_database_refuses_an_overdrawn_line(funds: Path) -> None:
    target = line("special_fund", "htz", "training", 2008)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=target.pk).update(committed=target.budgeted + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=target.pk).update(paid=-1)


def test_database_refuses_a_payment_beyond_the_commitment(commitment: Commitment) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(paid=commitment.amount + 1)


def test_database_refuses_two_live_commitments_for_one_application(commitment: Commitment) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            budget_line=commitment.budget_line,
            application=commitment.application,
            rule_id=commitment.rule_id,
            amount=D("1"),
        )


def test_ledger_entries_are_append_only(commitment: Commitment) -> None:
    entry = LedgerEntry.objects.filter(commitment=commitment).first()
    assert entry is not None
    for sql in (
        "UPDATE ledger_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM ledger_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("200000.00")


def test_reconcile_names_a_total_changed_behind_the_ledgers_back(commitment: Commitment) -> None:
    target = commitment.budget_line
    BudgetLine.objects.filter(pk=target.pk).update(committed=D("1"))
    problems = ledger_reconcile()
    assert [(p.kind, p.object_id, p.field) for p in problems] == [("budget_line", target.pk, "committed")]


# --- statement ------------------------------------------------------------------------------------------


def test_monthly_statement_balances_follow_from_entries(commitment: Commitment, finance: User) -> None:
    payment_create(acting_user=finance, commitment=commitment, amount=D("1000"), idempotency_key="s")
    now = timezone.localtime()
    statement = monthly_statement(year=now.year, month=now.month, fund_code="special_fund")
    assert statement.opening.budgeted == D("0")
    assert statement.closing.budgeted == D("400000000.00")  # 4 years × 100 M, all recorded this month
    assert statement.closing.committed == D("199000.00")
    assert statement.closing.paid == D("1000.00")
    assert statement.movements["payment"] == D("1000.00")
    assert len(statement.entries) == LedgerEntry.objects.filter(budget_line__source__fund__code="special_fund").count()
    next_month = datetime(now.year + (now.month == 12), now.month % 12 + 1, 1)
    later = monthly_statement(year=next_month.year, month=next_month.month)
    assert list(later.entries) == [] and later.opening.paid == D("1000.00") and later.closing.paid == D("1000.00")


def test_money_is_exact_to_the_fen_even_on_sqlite(make_application: MakeApp, office: User, finance: User) -> None:
    """0.10 + 0.20 fills a 0.30 line exactly (doubles would make it 0.30000000000000004 and refuse it)."""
    from waibao.ledger.models import UseCategory
    from waibao.ledger.services import budget_line_ensure

    source = FundSource.objects.get(fund__code="special_fund", code="city-finance")
    target = budget_line_ensure(
        acting_user=finance, source=source, category=UseCategory.objects.get(code="software-export"), year=2011
    )
    budget_allocate(acting_user=finance, budget_line=target, amount=D("0.30"), reason="exactness")
    for amount in ("0.10", "0.20"):
        commitment_create(acting_user=office, application=make_application("HZ-12a", 2011), amount=D(amount))
    target.refresh_from_db()
    assert (target.budgeted, target.committed, target.available) == (D("0.30"), D("0.30"), D("0.00"))
    with pytest.raises(DomainError) as exc:
        commitment_create(acting_user=office, application=make_application("HZ-12a", 2011), amount=D("0.01"))
    assert exc.value.code == "insufficient_budget"
    assert_balanced()
