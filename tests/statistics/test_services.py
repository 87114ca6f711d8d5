"""Records, their review, the cut-off, conversion and the over-contract rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.factories import EnterpriseFactory, make_user
from tests.statistics.conftest import TODAY, contract_fields, enterprise_of
from waibao.accounts.models import Role, User
from waibao.audit.models import AuditEvent
from waibao.common.errors import DomainError, PermissionDeniedError
from waibao.statistics import rollup
from waibao.statistics.models import Contract, IndicatorRollup, RecordStatus
from waibao.statistics.services import (
    contract_save,
    exchange_rate_set,
    execution_save,
    record_delete,
    record_transition,
    staffing_report_save,
)

pytestmark = pytest.mark.django_db


def test_contract_goes_through_review_and_is_converted_at_its_date(
    approved_contract: Callable[..., Contract],
) -> None:
    contract = approved_contract(currency="HKD", amount="1000000", signed_date=date(2007, 2, 10))
    assert contract.status == RecordStatus.APPROVED
    assert contract.cny_rate == Decimal("1.0640")  # the 2005 HKD rate is the latest on or before the date
    assert contract.usd_rate == Decimal("7.8087")  # the USD rate of the same date
    assert contract.amount_cny == Decimal("1064000.00")
    assert contract.amount_usd == (Decimal("1064000") / Decimal("7.8087")).quantize(Decimal("0.01"))
    assert contract.k_offshore and contract.k_top_level == "ITO"
    assert AuditEvent.objects.filter(action="stats.contract.approve", object_id=str(contract.pk)).exists()
    assert rollup.differences() == []


def test_hong_kong_counts_as_offshore_and_mainland_as_onshore(approved_contract: Callable[..., Contract]) -> None:
    assert approved_contract(contract_no="A", client_country="hk").k_offshore is True
    assert approved_contract(contract_no="B", client_country="CN", currency="CNY").k_offshore is False


def test_record_without_a_rate_is_refused_not_converted_at_zero(rates: None, ent_user: User) -> None:
    with pytest.raises(DomainError) as info:
        contract_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            fields=contract_fields(currency="EUR"),
            today=TODAY,
        )
    assert info.value.code == "no_rate"
    with pytest.raises(DomainError) as info:
        contract_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            fields=contract_fields(signed_date=date(2004, 12, 31)),
            today=date(2005, 1, 5),
        )
    assert info.value.code == "no_rate"
    assert Contract.objects.count() == 0


def test_bad_fields_are_refused_with_the_field_named(rates: None, ent_user: User) -> None:
    for overrides, field in (
        ({"client_country": "XX"}, "client_country"),
        ({"category": "nope"}, "category"),
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"contract_no": ""}, "contract_no"),
        ({"start_date": date(2007, 5, 1), "end_date": date(2007, 4, 1)}, "end_date"),
    ):
        with pytest.raises(DomainError) as info:
            contract_save(
                acting_user=ent_user,
                enterprise=enterprise_of(ent_user),
                fields=contract_fields(**overrides),
                today=TODAY,
            )
        assert info.value.field == field
    assert Contract.objects.count() == 0


def test_contract_number_unique_per_enterprise(approved_contract: Callable[..., Contract], ent_user: User) -> None:
    approved_contract()
    with pytest.raises(DomainError) as info:
        contract_save(acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(), today=TODAY)
    assert info.value.code == "duplicate"
    other = make_user(Role.ENTERPRISE, username="o", enterprise=EnterpriseFactory())
    assert contract_save(acting_user=other, enterprise=enterprise_of(other), fields=contract_fields(), today=TODAY).pk


def test_return_needs_a_reason_and_resubmission_works(rates: None, ent_user: User, office: User) -> None:
    contract = contract_save(
        acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(), today=TODAY
    )
    record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
    with pytest.raises(DomainError):
        record_transition(acting_user=office, record=contract, action="return", reason=" ", today=TODAY)
    returned = record_transition(
        acting_user=office, record=contract, action="return", reason="Wrong client", today=TODAY
    )
    assert returned.status == RecordStatus.RETURNED and returned.return_reason == "Wrong client"
    contract_save(
        acting_user=ent_user,
        enterprise=enterprise_of(ent_user),
        contract=returned,  # type: ignore[arg-type]
        fields=contract_fields(client_name="Acme Inc."),
        today=TODAY,
    )
    again = record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
    assert again.status == RecordStatus.SUBMITTED and again.return_reason == ""
    assert not IndicatorRollup.objects.exists()


def test_enterprise_cannot_approve_and_cannot_touch_another_enterprise(
    rates: None, ent_user: User, other_enterprise_user: User
) -> None:
    contract = contract_save(
        acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(), today=TODAY
    )
    record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
    with pytest.raises(DomainError):
        record_transition(acting_user=ent_user, record=contract, action="approve", today=TODAY)
    with pytest.raises(PermissionDeniedError):
        contract_save(acting_user=other_enterprise_user, enterprise=enterprise_of(ent_user), fields=contract_fields())


def test_zone_staff_review_only_their_zone(
    rates: None, ent_user: User, zone_staff: User, other_zone_staff: User, reviewer: User
) -> None:
    contract = contract_save(
        acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(), today=TODAY
    )
    record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
    for outsider in (other_zone_staff, reviewer):
        with pytest.raises(PermissionDeniedError):
            record_transition(acting_user=outsider, record=contract, action="approve", today=TODAY)
    assert (
        record_transition(acting_user=zone_staff, record=contract, action="approve", today=TODAY).status == "approved"
    )


def test_cutoff_freezes_a_year_with_a_message_saying_why(rates: None, ent_user: User, office: User) -> None:
    fields = contract_fields(signed_date=date(2006, 11, 1))
    assert contract_save(
        acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=fields, today=date(2007, 3, 31)
    )
    with pytest.raises(DomainError) as info:
        contract_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            fields={**fields, "contract_no": "late"},
            today=date(2007, 4, 1),
        )
    assert info.value.code == "year_frozen"
    assert "2006" in str(info.value.message) and "2007-03-31" in str(info.value.message)
    contract = Contract.objects.get()
    with pytest.raises(DomainError):
        record_transition(acting_user=ent_user, record=contract, action="submit", today=date(2007, 4, 1))
    record_transition(acting_user=ent_user, record=contract, action="submit", today=date(2007, 3, 1))
    with pytest.raises(DomainError) as info:
        record_transition(acting_user=office, record=contract, action="approve", today=date(2007, 4, 2))
    assert info.value.code == "year_frozen"


def test_executions_past_the_contract_amount_need_a_reason(
    approved_contract: Callable[..., Contract], approved_execution: Callable[..., Any], ent_user: User
) -> None:
    contract = approved_contract(amount="1000")
    approved_execution(contract, amount="600")
    with pytest.raises(DomainError) as info:
        execution_save(
            acting_user=ent_user,
            contract=contract,
            fields={"date": date(2007, 5, 1), "currency": "USD", "amount": "500"},
            today=TODAY,
        )
    assert info.value.field == "over_reason"
    ok = execution_save(
        acting_user=ent_user,
        contract=contract,
        fields={"date": date(2007, 5, 1), "currency": "USD", "amount": "500", "over_reason": "Change request"},
        today=TODAY,
    )
    assert ok.pk


def test_execution_cannot_be_approved_before_its_contract(rates: None, ent_user: User, office: User) -> None:
    contract = contract_save(
        acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(), today=TODAY
    )
    execution = execution_save(
        acting_user=ent_user,
        contract=contract,
        fields={"date": date(2007, 4, 1), "currency": "USD", "amount": "10"},
        today=TODAY,
    )
    record_transition(acting_user=ent_user, record=execution, action="submit", today=TODAY)
    with pytest.raises(DomainError) as info:
        record_transition(acting_user=office, record=execution, action="approve", today=TODAY)
    assert info.value.code == "contract_not_approved"


def test_correction_withdraws_the_record_until_approved_again(
    approved_contract: Callable[..., Contract], ent_user: User, office: User
) -> None:
    contract = approved_contract()
    assert IndicatorRollup.objects.get().contract_count == 1
    with pytest.raises(DomainError):
        record_transition(acting_user=ent_user, record=contract, action="correct", today=TODAY)  # no reason
    record_transition(acting_user=ent_user, record=contract, action="correct", reason="amount", today=TODAY)
    assert not IndicatorRollup.objects.exists()
    contract_save(
        acting_user=ent_user,
        enterprise=enterprise_of(ent_user),
        contract=contract,
        fields=contract_fields(amount="5", category="bpo-hr"),
        today=TODAY,
    )
    record_transition(acting_user=ent_user, record=contract, action="submit", today=TODAY)
    record_transition(acting_user=office, record=contract, action="approve", today=TODAY)
    row = IndicatorRollup.objects.get()
    assert (row.top_level, row.contract_amount_usd) == ("BPO", Decimal("5.00"))
    assert rollup.differences() == []


def test_delete_only_drafts(approved_contract: Callable[..., Contract], ent_user: User) -> None:
    contract = approved_contract()
    with pytest.raises(DomainError):
        record_delete(acting_user=ent_user, record=contract)
    draft = contract_save(
        acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=contract_fields(contract_no="2"), today=TODAY
    )
    record_delete(acting_user=ent_user, record=draft)
    assert Contract.objects.count() == 1


def test_staffing_report_period_and_graduate_rule(rates: None, ent_user: User, office: User) -> None:
    report = staffing_report_save(
        acting_user=ent_user,
        enterprise=enterprise_of(ent_user),
        fields={"period_start": date(2007, 2, 14), "employees": 120, "new_employees": 10, "new_graduates": 4},
        today=TODAY,
    )
    assert (report.period_start, report.period_end) == (date(2007, 2, 1), date(2007, 2, 28))
    with pytest.raises(DomainError) as info:
        staffing_report_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            fields={"period_start": date(2007, 3, 1), "employees": 120, "new_employees": 1, "new_graduates": 2},
            today=TODAY,
        )
    assert info.value.field == "new_graduates"
    with pytest.raises(DomainError):
        staffing_report_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            fields={"period_start": date(2007, 2, 1), "employees": 1, "new_employees": 0, "new_graduates": 0},
            today=TODAY,
        )


def test_only_the_office_sets_rates(dataset: Any, office: User, reviewer: User) -> None:
    with pytest.raises(PermissionDeniedError):
        exchange_rate_set(acting_user=reviewer, currency="USD", date="2007-01-01", cny_per_unit="7.8")
    for bad in ("0", "-1", "abc", "1.1234567"):
        with pytest.raises(DomainError):
            exchange_rate_set(acting_user=office, currency="USD", date="2007-01-01", cny_per_unit=bad)
    with pytest.raises(DomainError):
        exchange_rate_set(acting_user=office, currency="CNY", date="2007-01-01", cny_per_unit="1")
    rate = exchange_rate_set(acting_user=office, currency="usd", date="2007-01-01", cny_per_unit="7.8087")
    assert rate.currency == "USD"


def test_staffing_periods_may_not_overlap_after_the_period_length_changes(rates: None, ent_user: User) -> None:
    from waibao.statistics.models import StatisticsParameters

    fields = {"period_start": date(2007, 2, 1), "employees": 10, "new_employees": 1, "new_graduates": 0}
    staffing_report_save(acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=fields, today=TODAY)
    StatisticsParameters.objects.update_or_create(pk=1, defaults={"staffing_period_months": 3})
    with pytest.raises(DomainError) as info:
        staffing_report_save(acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=fields, today=TODAY)
    assert "2007-02-01" in str(info.value.message)
    april = {**fields, "period_start": date(2007, 5, 20)}
    report = staffing_report_save(acting_user=ent_user, enterprise=enterprise_of(ent_user), fields=april, today=TODAY)
    assert (report.period_start, report.period_end) == (date(2007, 4, 1), date(2007, 6, 30))
