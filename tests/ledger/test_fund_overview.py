"""The fund overview by source alone (the cockpit's) gives the same totals as the whole overview."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import translation

from waibao.accounts.models import User
from waibao.applications.models import Application
from waibao.ledger.selectors import Totals, budget_years, fund_by_source_of_budget_year, fund_overview, fund_rows
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


def test_the_overview_sums_the_lines_exactly_per_fund_source_and_category(
    make_application: Callable[..., Application], office: User, finance: User
) -> None:
    """The overview reads the year's lines as plain values: its totals are the sums of the lines' stored totals,
    to the fen, per fund, source and use category, and the lines come in the order of fund, source, category."""
    from waibao.ledger.models import BudgetLine

    commitment = commitment_create(
        acting_user=office, application=make_application("HZ-12a", 2008, zone="htz"), amount=Decimal("12345.67")
    )
    payment_create(acting_user=finance, commitment=commitment, amount=Decimal("0.01"), idempotency_key="one-fen")
    overview = fund_overview(year=2008)
    lines = list(BudgetLine.objects.filter(year=2008).select_related("source__fund", "category"))
    assert sorted(line.pk for line in overview.lines) == sorted(line.pk for line in lines)

    def sums(key: Callable[[BudgetLine], object]) -> dict[object, tuple[Decimal, Decimal, Decimal]]:
        found: dict[object, tuple[Decimal, Decimal, Decimal]] = {}
        for x in lines:
            b, c, p = found.get(key(x), (Decimal(0), Decimal(0), Decimal(0)))
            found[key(x)] = (b + x.budgeted, c + x.committed, p + x.paid)
        return found

    def shown(pairs: list[tuple[Any, Totals]]) -> dict[object, tuple[Decimal, Decimal, Decimal]]:
        return {row.pk: (t.budgeted, t.committed, t.paid) for row, t in pairs}

    assert shown(overview.sources) == sums(lambda x: x.source_id)
    assert shown(overview.categories) == sums(lambda x: x.category_id)
    assert shown(overview.funds) == sums(lambda x: x.source.fund_id)
    assert overview.total.paid == Decimal("0.01") and overview.total.committed == Decimal("12345.66")
    assert overview.total.budgeted == sum((x.budgeted for x in lines), Decimal(0))
    by_pk = {x.pk: x for x in lines}
    order = [
        (by_pk[r.pk].source.fund.sort_order, by_pk[r.pk].source.sort_order, by_pk[r.pk].category.sort_order)
        for r in overview.lines
    ]
    assert order == sorted(order)
    first = overview.lines[0]
    assert (first.source.name, first.category.name) == (by_pk[first.pk].source.name, by_pk[first.pk].category.name)
    with translation.override("en"):
        english = fund_overview(year=2008)
    assert {s.name for s, _t in english.sources} == {x.source.name_en for x in lines}
    assert {c.name for c, _t in english.categories} == {x.category.name_en for x in lines}


def test_without_a_budget_the_cockpit_has_no_budget_year(db: None) -> None:
    assert budget_years() == [] and fund_by_source_of_budget_year(on_or_before=2009) is None


def test_budget_years_and_the_cockpits_budget_year(funds: Path) -> None:
    """The years with a budget, each once; the cockpit's card shows the latest up to this year (else the latest)."""
    assert budget_years() == [2007, 2008, 2009, 2010]
    for year, shown in ((2009, 2009), (2030, 2010), (2000, 2010)):
        card = fund_by_source_of_budget_year(on_or_before=year)
        assert card is not None and card.year == shown
        whole = fund_overview(year=shown)
        assert [(s.pk, t) for s, t in card.sources] == [(s.pk, t) for s, t in whole.sources]
        assert card.total == whole.total


def test_the_fund_filter_lists_every_fund_in_its_order(funds: Path) -> None:
    from waibao.ledger.models import Fund

    assert [code for code, _name in fund_choices_of(fund_rows())] == list(Fund.objects.values_list("code", flat=True))


def fund_choices_of(rows: list[Any]) -> list[tuple[str, str]]:
    return [(row.code, row.name) for row in rows]


def test_the_overviews_plain_sql_reads_what_the_orm_reads(
    make_application: Callable[..., Application], office: User, finance: User
) -> None:
    """The overview's lines, the totals by year and the funds are read as plain SQL: each line's amounts (Decimal,
    to the fen) and demo flag, and each year's sums, of every fund and of one, are what the ORM reads."""
    from django.db.models import Sum

    from waibao.ledger.models import BudgetLine
    from waibao.ledger.selectors import totals_by_year

    commitment = commitment_create(
        acting_user=office, application=make_application("HZ-12a", 2008, zone="htz"), amount=Decimal("12345.67")
    )
    payment_create(acting_user=finance, commitment=commitment, amount=Decimal("0.01"), idempotency_key="one-fen")
    for fund_code in (None, "special_fund", "no-such-fund"):
        lines = BudgetLine.objects.filter(year=2008)
        if fund_code:
            lines = lines.filter(source__fund__code=fund_code)
        expected = {x.pk: (x.budgeted, x.committed, x.paid, x.is_demo_allocation) for x in lines}
        read = fund_overview(year=2008, fund_code=fund_code).lines
        assert {r.pk: (r.budgeted, r.committed, r.paid, r.is_demo_allocation) for r in read} == expected
        assert all(type(r.is_demo_allocation) is bool and type(r.paid) is Decimal for r in read)
        by_orm = BudgetLine.objects.order_by("year").values_list("year").annotate(b=Sum("budgeted"), p=Sum("paid"))
        if fund_code:
            by_orm = by_orm.filter(source__fund__code=fund_code)
        assert [(y, t.budgeted, t.paid) for y, t in totals_by_year(fund_code=fund_code)] == list(by_orm)
    assert sum(line.paid for line in fund_overview(year=2008).lines) == Decimal("0.01")
