"""Issue 8 §2: published figures cover closed years only and reveal no enterprise (统计法 Art. 39).

The suppression tests build tables with dominant and lone enterprises and check, with an independent
linear-algebra test (numpy ranks, not the module's own fractions), that no withheld value can be
recovered from what is shown, totals included.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.test import Client

from tests.factories import EnterpriseFactory
from tests.statistics.conftest import contract_fields
from waibao.accounts.models import User
from waibao.registry.models import Enterprise, Zone
from waibao.statistics.disclosure import (
    DisclosureRule,
    ProtectedTable,
    grid,
    is_sensitive,
    public_figures,
)
from waibao.statistics.models import ExchangeRate, StatisticsParameters
from waibao.statistics.services import contract_save, execution_save, record_transition

pytestmark = pytest.mark.django_db

RULE = DisclosureRule(min_enterprises=3, dominance_pct=Decimal(85))


# --- the rule and the suppression, on tables built by hand -------------------------------------------


def test_sensitivity_rule() -> None:
    assert not is_sensitive({}, RULE)  # nobody contributes: nothing to reveal
    assert is_sensitive({"a": 800000}, RULE)  # a lone enterprise
    assert is_sensitive({"a": 10, "b": 10}, RULE)  # two
    assert not is_sensitive({"a": 10, "b": 10, "c": 10}, RULE)
    assert is_sensitive({"a": 86, "b": 7, "c": 7}, RULE)  # one holds 86 %
    assert not is_sensitive({"a": 85, "b": 10, "c": 5}, RULE)  # exactly 85 % is allowed
    assert not is_sensitive({"a": 1}, DisclosureRule(min_enterprises=1, dominance_pct=Decimal(100)))


def recoverable(table: ProtectedTable) -> set[str]:
    """Independently of the module: a withheld cell is recoverable when its unit vector lies in the row space
    of the sums' coefficients over the withheld cells (rank does not grow when it is added)."""
    unknown = sorted(k for k, c in table.cells.items() if c.suppressed)
    if not unknown:
        return set()
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for rel in table.relations:
        row = np.zeros(len(unknown))
        for key, sign in ((rel.total, 1.0), *((p, -1.0) for p in rel.parts)):
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for key, i in index.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(key)
    return found


def check_protected(table: ProtectedTable, rule: DisclosureRule = RULE) -> None:
    for cell in table.cells.values():
        if is_sensitive(cell.contributions, rule):
            assert cell.suppressed, f"sensitive cell {cell.key} is shown"
    for rel in table.relations:
        withheld = [k for k in rel.members if table.cells[k].suppressed]
        assert len(withheld) != 1, f"{withheld[0]} = {rel.total} − the other parts, all shown"
    assert recoverable(table) == set()


def test_lone_enterprise_in_a_grid_needs_three_more_cells() -> None:
    """A 3 × 3 table (zones × ITO/BPO/KPO) where one cell holds a single enterprise."""
    values: dict[tuple[str, str], dict[str, int]] = {}
    for r in ("htz", "etdz", "park"):
        for c in ("ITO", "BPO", "KPO"):
            values[(r, c)] = {f"{r}-{c}-{i}": 100 + i for i in range(4)}
    values[("htz", "ITO")] = {"lone": 120}  # small enough that no total is dominated by it
    table = grid(values, ["htz", "etdz", "park"], ["ITO", "BPO", "KPO"])
    table.protect(RULE)
    assert table.cells["htz|ITO"].suppressed and table.cells["htz|ITO"].primary
    # Without complements, htz|ITO = htz|* − htz|BPO − htz|KPO: at least one more in its row and its column,
    # and a fourth cell to close the rectangle.
    assert sum(c.suppressed for c in table.cells.values()) >= 4
    check_protected(table)
    # The totals stay published: the complements are taken from the inner cells.
    assert not table.cells["*|*"].suppressed and not table.cells["htz|*"].suppressed


def test_dominant_enterprise_and_lone_total() -> None:
    """A dominant enterprise (95 %) in one cell, and a column whose only contributor is one enterprise."""
    values = {
        ("a", "x"): {"big": 950, "s1": 25, "s2": 25},
        ("a", "y"): {"p": 10, "q": 10, "r": 10},
        ("b", "x"): {"t": 10, "u": 10, "v": 10},
        ("b", "y"): {"w": 10, "z": 10, "k": 10},
        ("a", "solo"): {"only": 500},
        ("b", "solo"): {},
    }
    table = grid(values, ["a", "b"], ["x", "y", "solo"])
    table.protect(RULE)
    assert table.cells["a|x"].suppressed and table.cells["a|solo"].suppressed
    assert table.cells["*|solo"].suppressed  # the column total is the lone enterprise's own figure
    check_protected(table)


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_never_let_a_withheld_value_be_recovered(seed: int) -> None:
    rng = random.Random(seed)
    rows = [f"r{i}" for i in range(rng.randint(1, 5))]
    columns = [f"c{j}" for j in range(rng.randint(1, 5))]
    values: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        for c in columns:
            kind = rng.random()
            if kind < 0.15:
                values[(r, c)] = {}  # empty cell
            elif kind < 0.35:
                values[(r, c)] = {f"lone-{r}-{c}": rng.randint(1, 10**6)}
            elif kind < 0.5:
                values[(r, c)] = {"dominant": rng.randint(10**6, 10**7), "x": rng.randint(1, 1000), "y": 7}
            else:
                values[(r, c)] = {f"e{n}": rng.randint(1, 10**5) for n in range(rng.randint(3, 8))}
    rule = DisclosureRule(min_enterprises=rng.choice([2, 3, 5]), dominance_pct=Decimal(rng.choice([60, 85, 95])))
    table = grid(values, rows, columns)
    table.protect(rule)
    check_protected(table, rule)


# --- the public page and API ---------------------------------------------------------------------------


@pytest.fixture
def recorder(rates: None, office: User) -> Callable[..., Any]:
    """Approve a contract (and optionally an execution) of `enterprise` as the office would."""

    def record(
        enterprise: Enterprise, amount: str, *, executed: str | None = None, no: str = "C1", **extra: Any
    ) -> None:
        fields = contract_fields(contract_no=no, amount=amount, **extra)
        day = extra.get("signed_date", date(2007, 3, 10))
        today = date(day.year, 6, 15)  # while the record's year is open
        contract = contract_save(acting_user=office, enterprise=enterprise, fields=fields, today=today)
        record_transition(acting_user=office, record=contract, action="submit", today=today)
        record_transition(acting_user=office, record=contract, action="approve", today=today)
        if executed:
            values = {"date": day, "currency": "USD", "amount": executed, "receipt_ref": f"R-{no}"}
            execution = execution_save(acting_user=office, contract=contract, fields=values, today=today)
            record_transition(acting_user=office, record=execution, action="submit", today=today)
            record_transition(acting_user=office, record=execution, action="approve", today=today)

    return record


def test_one_enterprise_is_never_published(
    recorder: Callable[..., Any], client_for: Callable[[User | None], Client], office: User
) -> None:
    """The reported defect: one approved contract and the public figures showed that enterprise's 800,000."""
    lone = EnterpriseFactory(zone=Zone.objects.get(code="htz"))
    recorder(lone, "800000", executed="800000")
    page = client_for(None).get("/statistics/figures/").content.decode()
    assert "800,000" not in page and "—" in page and 'id="withheld-note"' in page
    headline = client_for(None).get("/api/v1/statistics/headline").json()
    assert headline["year"] == 2007
    assert headline["total"]["contract_amount_usd"] is None and headline["total"]["contract_count"] is None
    assert "contract_amount_usd" in headline["withheld"] and headline["note"]
    assert "800000" not in str(headline)
    # Staff pages keep the full figures.
    assert "800,000" in client_for(office).get("/statistics/?from=2007-01-01&to=2007-12-31").content.decode()


def test_open_years_are_not_published(
    recorder: Callable[..., Any], client_for: Callable[[User | None], Client]
) -> None:
    """A contract of the current year (its cut-off not passed) does not move the public figures."""
    zone = Zone.objects.get(code="htz")
    for n in range(4):
        recorder(EnterpriseFactory(zone=zone), "100000", executed="50000", no=f"C{n}")
    this_year = date.today().year
    ExchangeRate.objects.create(currency="USD", date=date(this_year, 1, 1), cny_per_unit=Decimal("7.1"))
    recorder(EnterpriseFactory(zone=zone), "800000", no="NOW", signed_date=date(this_year, 1, 5))
    headline = client_for(None).get("/api/v1/statistics/headline").json()
    assert headline["year"] == 2007 and headline["closed_years"] == [2007]
    assert headline["total"]["contract_amount_usd"] == "400000.00" and headline["total"]["contract_count"] == 4
    asked = client_for(None).get(f"/api/v1/statistics/headline?year={this_year}")
    assert asked.status_code == 422 and "2007" in asked.json()["error"]["message"]
    assert client_for(None).get(f"/statistics/figures/?year={this_year}").status_code == 422
    assert client_for(None).get("/api/v1/statistics/headline?zone=htz").status_code == 422


def test_dominant_zone_is_withheld_with_a_complement(
    recorder: Callable[..., Any], client_for: Callable[[User | None], Client]
) -> None:
    htz, etdz, park = (Zone.objects.get(code=c) for c in ("htz", "etdz", "digital-entertainment-park"))
    for n in range(3):
        recorder(EnterpriseFactory(zone=htz), "100000", executed="100000", no=f"H{n}")
        recorder(EnterpriseFactory(zone=park), "100000", executed="50000", no=f"P{n}")
    recorder(EnterpriseFactory(zone=etdz), "900000", executed="900000", no="BIG")
    recorder(EnterpriseFactory(zone=etdz), "100000", executed="1000", no="SMALL1")
    recorder(EnterpriseFactory(zone=etdz), "100000", executed="1000", no="SMALL2")
    figures = public_figures()
    assert figures is not None
    zones = {r.key: r.value for r in figures.by_zone}
    assert zones["etdz"] is None  # one enterprise holds 99.8 % of the zone
    assert sum(v is None for v in zones.values()) >= 2  # and its value is not total − the others
    assert figures.headline["executed_amount_usd"] is not None
    page = client_for(None).get("/statistics/figures/").content.decode()
    assert "902,000" not in page


def test_office_sets_n_and_p(
    recorder: Callable[..., Any], office: User, client_for: Callable[[User | None], Client]
) -> None:
    recorder(EnterpriseFactory(zone=Zone.objects.get(code="htz")), "800000")
    client = client_for(office)
    params = {
        "cutoff_month": 3,
        "cutoff_day": 31,
        "staffing_period_months": 1,
        "goal_base_year": 2005,
        "goal_target_year": 2010,
        "goal_multiple": "4",
        "goal_base_amount_usd": "",
        "revenue_measure": "executed",
        "dates_years_ahead": 1,
        "disclosure_min_enterprises": 1,
        "disclosure_dominance_pct": "100",
    }
    assert client.post("/statistics/parameters/", params).status_code == 302
    assert StatisticsParameters.objects.get().disclosure_min_enterprises == 1
    assert "800,000" in client_for(None).get("/statistics/figures/").content.decode()
    bad = client.post("/statistics/parameters/", {**params, "disclosure_dominance_pct": "0"})
    assert bad.status_code == 200 and StatisticsParameters.objects.get().disclosure_dominance_pct == 100


def test_growth_is_shown_only_when_last_year_total_is_publishable(recorder: Callable[..., Any]) -> None:
    """The growth percentage gives away the previous year's total: one enterprise in 2006 hides it."""
    zone = Zone.objects.get(code="htz")
    for n in range(3):
        recorder(EnterpriseFactory(zone=zone), "100000", executed="50000", no=f"C{n}")
    lone_2006 = EnterpriseFactory(zone=zone)
    recorder(lone_2006, "100000", executed="60000", no="OLD", signed_date=date(2006, 5, 1))
    figures = public_figures()
    assert figures is not None and figures.year == 2007
    assert figures.headline["executed_amount_usd"] == Decimal("150000.00") and figures.growth_pct is None
    for n in range(2):
        recorder(EnterpriseFactory(zone=zone), "100000", executed="60000", no=f"OLD{n}", signed_date=date(2006, 5, 1))
    figures = public_figures()
    assert figures is not None and figures.growth_pct is not None
    assert round(figures.growth_pct, 2) == Decimal("-16.67")  # 150,000 on 180,000
