"""Loading funds, sources, use categories, earmarks and yearly budget lines from a data set (funds.yaml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.common.money import MoneyError, parse_money, to_money
from waibao.ledger.models import BudgetLine, Fund, FundSource, RuleEarmark, UseCategory
from waibao.registry.models import Zone

HUNDRED = Decimal(100)


def _money(value: Any, where: str) -> Decimal:
    if isinstance(value, float):
        raise DatasetError(f'{where}: write amounts as strings ("30000000"), not floats')
    try:
        amount = parse_money(value)
    except MoneyError as exc:
        raise DatasetError(f"{where}: {exc}") from exc
    if amount < 0:
        raise DatasetError(f"{where}: must not be negative")
    return amount


def _load_funds(entries: list[dict[str, Any]]) -> None:
    for i, entry in enumerate(entries):
        here = f"funds.yaml funds[{i}]"
        fund, _ = Fund.objects.update_or_create(
            code=need(entry, "code", here),
            defaults={
                "name_zh": need(entry, "name_zh", here),
                "name_en": entry.get("name_en", "") or "",
                "citation": entry.get("citation", "") or "",
                "note_zh": entry.get("note_zh", "") or "",
                "note_en": entry.get("note_en", "") or "",
                "sort_order": i,
            },
        )
        sources = entry.get("sources") or []
        if sum(1 for s in sources if s.get("default")) > 1:
            raise DatasetError(f"{here}: at most one source may be the default")
        for j, item in enumerate(sources):
            where = f"{here}.sources[{j}]"
            zone = None
            if item.get("zone"):
                zone = Zone.objects.filter(code=item["zone"]).first()
                if zone is None:
                    raise DatasetError(f"{where}: unknown zone {item['zone']!r}")
            amount = item.get("annual_amount")
            FundSource.objects.update_or_create(
                fund=fund,
                code=need(item, "code", where),
                defaults={
                    "name_zh": need(item, "name_zh", where),
                    "name_en": item.get("name_en", "") or "",
                    "annual_amount": None if amount is None else _money(amount, f"{where}.annual_amount"),
                    "zone": zone,
                    "is_default": bool(item.get("default")),
                    "citation": item.get("citation", "") or "",
                    "sort_order": j,
                },
            )


def _load_categories(entries: list[dict[str, Any]]) -> None:
    for i, entry in enumerate(entries):
        here = f"funds.yaml use_categories[{i}]"
        UseCategory.objects.update_or_create(
            code=need(entry, "code", here),
            defaults={
                "name_zh": need(entry, "name_zh", here),
                "name_en": entry.get("name_en", "") or "",
                "citation": entry.get("citation", "") or "",
                "sort_order": i,
            },
        )


def _load_earmarks(entries: list[dict[str, Any]]) -> None:
    for i, entry in enumerate(entries):
        here = f"funds.yaml earmarks[{i}]"
        category = UseCategory.objects.filter(code=need(entry, "category", here)).first()
        if category is None:
            raise DatasetError(f"{here}: unknown use category {entry['category']!r}")
        condition = entry.get("payment_condition", "") or ""
        from waibao.ledger.services import PAYMENT_CONDITIONS

        if condition and condition not in PAYMENT_CONDITIONS:
            raise DatasetError(f"{here}: unknown payment_condition {condition!r} (known: {sorted(PAYMENT_CONDITIONS)})")
        RuleEarmark.objects.update_or_create(
            rule_id=need(entry, "rule", here),
            defaults={
                "category": category,
                "requires_rule": entry.get("requires_rule", "") or "",
                "requires_within_years": int(entry.get("requires_within_years") or 0),
                "payment_condition": condition,
                "citation": entry.get("citation", "") or "",
            },
        )


def _budget_amounts(entry: dict[str, Any], fund: Fund, here: str) -> dict[tuple[FundSource, UseCategory], Decimal]:
    """(source, category) → yearly amount, from `shares_percent` of each source's annual amount or `amounts`."""
    categories = {c.code: c for c in UseCategory.objects.all()}
    sources = {s.code: s for s in fund.sources.all()}
    result: dict[tuple[FundSource, UseCategory], Decimal] = {}
    if entry.get("shares_percent"):
        shares = entry["shares_percent"]
        for code in shares:
            if code not in categories:
                raise DatasetError(f"{here}.shares_percent: unknown use category {code!r}")
        total_share = sum(Decimal(str(v)) for v in shares.values())
        if total_share != HUNDRED:
            raise DatasetError(f"{here}.shares_percent: shares add up to {total_share}, not 100")
        for source in sources.values():
            if source.annual_amount is None:
                raise DatasetError(f"{here}: source {source.code!r} has no annual_amount to split")
            allocated = Decimal(0)
            codes = list(shares)
            for k, code in enumerate(codes):
                if k == len(codes) - 1:
                    amount = source.annual_amount - allocated  # the last share takes the rounding remainder
                else:
                    amount = to_money(source.annual_amount * Decimal(str(shares[code])) / HUNDRED)
                allocated += amount
                result[(source, categories[code])] = amount
    for source_code, per_category in (entry.get("amounts") or {}).items():
        if source_code not in sources:
            raise DatasetError(f"{here}.amounts: unknown source {source_code!r}")
        for code, value in (per_category or {}).items():
            if code not in categories:
                raise DatasetError(f"{here}.amounts.{source_code}: unknown use category {code!r}")
            result[(sources[source_code], categories[code])] = _money(value, f"{here}.amounts.{source_code}.{code}")
    return result


def _load_budgets(entries: list[dict[str, Any]]) -> int:
    from waibao.ledger.services import Allocation, budget_load

    allocations: list[Allocation] = []
    for i, entry in enumerate(entries):
        here = f"funds.yaml budgets[{i}]"
        fund = Fund.objects.filter(code=need(entry, "fund", here)).first()
        if fund is None:
            raise DatasetError(f"{here}: unknown fund {entry['fund']!r}")
        years = entry.get("years") or []
        if not years or not all(isinstance(y, int) and 1990 <= y <= 2200 for y in years):
            raise DatasetError(f"{here}: 'years' must be a list of years")
        amounts = _budget_amounts(entry, fund, here)
        demo = bool(entry.get("demo_allocation"))
        for year in years:
            for (source, category), amount in amounts.items():
                # One key per line: loading the data set again never budgets the same line twice.
                key = f"dataset-budget:{fund.code}:{source.code}:{category.code}:{year}"
                allocations.append(Allocation(source, category, year, amount, key, demo))
    return budget_load(acting_user=None, allocations=allocations, reason=gettext_noop("Budgets of the city's data set"))


def load_ledger_dataset(folder: Path) -> dict[str, int]:
    data = read_yaml(folder, "funds.yaml", required=False)
    if not data:
        return {"funds": Fund.objects.count()}
    if not isinstance(data, dict):
        raise DatasetError("funds.yaml: expected a mapping with funds, use_categories, earmarks, budgets")
    _load_categories(data.get("use_categories") or [])
    _load_funds(data.get("funds") or [])
    _load_earmarks(data.get("earmarks") or [])
    budgets = _load_budgets(data.get("budgets") or [])
    return {
        "funds": Fund.objects.count(),
        "fund_sources": FundSource.objects.count(),
        "use_categories": UseCategory.objects.count(),
        "earmarks": RuleEarmark.objects.count(),
        "budget_lines": BudgetLine.objects.count(),
        "budget_entries_added": budgets,
    }
