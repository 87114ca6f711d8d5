"""Indicators across partial months, the goal, and the policy bridge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.statistics.conftest import TODAY, enterprise_of
from waibao.accounts.models import User
from waibao.statistics.models import Contract, StaffingReport, StatisticsParameters, SummaryRollup
from waibao.statistics.selectors import (
    IndicatorFilters,
    approved_facts,
    enterprises_reporting,
    goal_progress,
    indicators,
    software_export_usd,
    split_range,
    staffing_indicators,
)
from waibao.statistics.services import staffing_report_save

pytestmark = pytest.mark.django_db


def test_split_range_whole_months_and_edges() -> None:
    assert split_range(date(2007, 1, 1), date(2007, 12, 31)) == ((date(2007, 1, 1), date(2007, 12, 31)), [])
    assert split_range(date(2007, 1, 15), date(2007, 3, 10)) == (
        (date(2007, 2, 1), date(2007, 2, 28)),
        [(date(2007, 1, 15), date(2007, 1, 31)), (date(2007, 3, 1), date(2007, 3, 10))],
    )
    assert split_range(date(2007, 1, 5), date(2007, 1, 20)) == (None, [(date(2007, 1, 5), date(2007, 1, 20))])


def test_partial_month_ranges_equal_raw_sums(
    approved_contract: Callable[..., Contract], approved_execution: Callable[..., Any]
) -> None:
    c1 = approved_contract(contract_no="1", signed_date=date(2007, 1, 10), amount="100")
    c2 = approved_contract(contract_no="2", signed_date=date(2007, 2, 20), amount="200", client_country="CN")
    approved_contract(contract_no="3", signed_date=date(2007, 3, 5), amount="400", category="bpo-hr")
    approved_execution(c1, date=date(2007, 1, 31), amount="10")
    approved_execution(c2, date=date(2007, 3, 6), amount="20")
    total = indicators(date_from=date(2007, 1, 11), date_to=date(2007, 3, 5))[0]
    assert total.contract_count == 2  # c2 (whole February) and c3 (edge day 5 March)
    assert total.sums["contract_amount_usd"] == Decimal("600.00")
    assert total.sums["contract_amount_offshore_usd"] == Decimal("400.00")
    assert total.sums["executed_amount_usd"] == Decimal("10.00")  # 31 Jan in range; 6 March not
    by_category = {r.key: r for r in indicators(date_from=date(2007, 1, 1), date_to=date(2007, 3, 31), by="category")}
    assert by_category["BPO"].contract_count == 1 and by_category["ITO"].contract_count == 2
    by_quarter = indicators(date_from=date(2007, 1, 1), date_to=date(2007, 3, 31), by="quarter")
    assert [(r.key, r.contract_count) for r in by_quarter] == [("2007-Q1", 3)]
    onshore = indicators(
        date_from=date(2007, 1, 1), date_to=date(2007, 3, 31), filters=IndicatorFilters(offshore=False)
    )
    assert onshore[0].contract_count == 1
    assert enterprises_reporting(date_from=date(2007, 1, 1), date_to=date(2007, 3, 31)) == 1
    by_enterprise = indicators(date_from=date(2007, 1, 1), date_to=date(2007, 3, 31), by="enterprise", labels=True)
    assert by_enterprise[0].key == c1.enterprise.credit_code and by_enterprise[0].label == c1.enterprise.name_zh


def test_software_export_counts_only_offshore_software_executions(
    approved_contract: Callable[..., Contract], approved_execution: Callable[..., Any]
) -> None:
    software = approved_contract(contract_no="S", category="ito-software-tech", client_country="JP")
    onshore = approved_contract(contract_no="O", category="ito-software-dev", client_country="CN", currency="CNY")
    other = approved_contract(contract_no="B", category="bpo-hr")
    approved_execution(software, amount="700")
    approved_execution(onshore, amount="300", currency="CNY")
    approved_execution(other, amount="900")
    assert software_export_usd(enterprise_id=software.enterprise_id, year=2007) == Decimal("700.00")
    assert software_export_usd(enterprise_id=software.enterprise_id, year=2006) == Decimal("0.00")
    facts = approved_facts(enterprise_id=software.enterprise_id, year=2007)
    assert facts["offshore_executed_amount_usd"] == Decimal("1600.00")


def test_goal_progress_base_target_growth_projection_gap(ent: Any) -> None:
    for year, amount in ((2005, "100"), (2006, "130"), (2007, "169")):
        SummaryRollup.objects.create(
            year=year,
            month=6,
            zone="",
            top_level="ITO",
            country="US",
            offshore=True,
            execution_count=1,
            executed_amount_usd=Decimal(amount),
            executed_amount_cny=Decimal(amount) * 8,
        )
    goal = goal_progress(today=date(2007, 12, 31))
    assert goal.base == Decimal("100.00") and goal.target == Decimal("400.00")
    assert abs(goal.required_growth - Decimal("0.3195")) < Decimal("0.0001")
    assert goal.projection_from == (2006, 2007)
    assert abs(goal.projection_growth - Decimal("0.30")) < Decimal("0.000001")  # type: ignore[operator]
    assert goal.years[-1].projection == Decimal("371.29")  # 169 × 1.3³
    assert goal.gap == Decimal("28.71")
    StatisticsParameters.objects.filter(pk=1).update(goal_base_amount_usd=Decimal("50"))
    assert goal_progress(today=date(2007, 12, 31)).target == Decimal("200.00")


def test_staffing_indicators_take_latest_employees_and_sum_new(rates: None, ent_user: User, office: User) -> None:
    from waibao.statistics.services import record_transition

    for month, employees, new, grads in ((1, 100, 10, 4), (2, 110, 12, 5)):
        report = staffing_report_save(
            acting_user=ent_user,
            enterprise=enterprise_of(ent_user),
            today=TODAY,
            fields={
                "period_start": date(2007, month, 1),
                "employees": employees,
                "new_employees": new,
                "new_graduates": grads,
            },
        )
        record_transition(acting_user=ent_user, record=report, action="submit", today=TODAY)
        record_transition(acting_user=office, record=report, action="approve", today=TODAY)
    row = staffing_indicators(date_from=date(2007, 1, 1), date_to=date(2007, 12, 31))[0]
    assert (row.enterprises, row.employees, row.new_employees, row.new_graduates) == (1, 110, 22, 9)
    assert StaffingReport.objects.count() == 2


def test_months_come_in_calendar_order(approved_contract: Callable[..., Contract]) -> None:
    for month in (2, 10, 1, 12, 11):
        approved_contract(contract_no=f"m{month}", signed_date=date(2007, month, 3), amount="100")
    keys = [r.key for r in indicators(date_from=date(2007, 1, 1), date_to=date(2007, 12, 31), by="month")]
    assert keys == ["2007-01", "2007-02", "2007-10", "2007-11", "2007-12"]


def test_ownership_filter_covers_grandchildren(
    approved_contract: Callable[..., Contract], ent_user: User, finance: User
) -> None:
    """Issue 8 §7: ownership=100 used to leave out 151 (a grandchild in GB/T 12402)."""
    from datetime import date

    from waibao.registry.models import OwnershipType
    from waibao.statistics.selectors import IndicatorFilters, indicators, staffing_indicators

    enterprise = ent_user.enterprise
    assert enterprise is not None
    enterprise.ownership_type = OwnershipType.objects.get(code="151")
    enterprise.save(update_fields=["ownership_type"])
    approved_contract()
    for filters in (IndicatorFilters(ownership="100"), IndicatorFilters(ownership="150")):
        (row,) = indicators(date_from=date(2007, 1, 1), date_to=date(2007, 12, 31), filters=filters)
        assert row.contract_count == 1, filters
        # The partial-month path (raw records) too.
        (row,) = indicators(date_from=date(2007, 3, 5), date_to=date(2007, 3, 20), filters=filters)
        assert row.contract_count == 1, filters
    (row,) = indicators(
        date_from=date(2007, 1, 1), date_to=date(2007, 12, 31), filters=IndicatorFilters(ownership="200")
    )
    assert row.contract_count == 0
    assert staffing_indicators(
        date_from=date(2007, 1, 1), date_to=date(2007, 12, 31), filters=IndicatorFilters(ownership="100")
    )
