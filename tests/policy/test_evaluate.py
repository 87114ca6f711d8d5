"""The exact path: the contract's example, amounts, bases, funds, items and the trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation

from waibao.policy.engine import Package, evaluate, rule_info
from waibao.policy.engine.amend import amendment


def summary(result_dict: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["rule"], e["kind"], e["basis"], e["amount_cny"], e["minimum_cny"], e["fund"], e["item"])
        for e in result_dict["entitlements"]
    ]


def test_contract_example_entitlements(package: Package, example: dict[str, Any]) -> None:
    out = evaluate(package, example).to_dict()
    assert out["package"] == "hangzhou-2007"
    assert out["year"] == 2008
    assert out["as_of"] == "2008-12-31"
    assert summary(out) == [
        ("HZ-9a", "cash", "eligible", None, None, "special_fund", None),
        ("HZ-10", "tax_deduction", "fixed", "1100000.00", None, "tax", None),
        ("HZ-12a", "cash", "fixed", "200000.00", None, "special_fund", None),
        ("HZ-12c", "cash", "fixed", "600000.00", None, "special_fund", None),
        ("HZ-13a", "cash", "ceiling", "200000.00", None, "sme_international_market_fund", {"certifications": 0}),
        ("HZ-17b", "cash", "ceiling", "5100.00", None, "special_fund", {"trainees": 0}),
        ("HZ-17b-hire", "cash", "fixed", "900.00", None, "special_fund", {"trainees": 0}),
    ]
    assert {e["article"] for e in out["entitlements"]} == {"HZ-9", "HZ-10", "HZ-12", "HZ-13", "HZ-17"}


def test_amounts_are_decimal_to_the_fen(package: Package, example: dict[str, Any]) -> None:
    result = evaluate(package, example)
    for e in result.entitlements:
        if e.amount is not None:
            assert isinstance(e.amount, Decimal)
            assert e.amount.as_tuple().exponent == -2


def test_trace_names_conditions_values_parameters_dates_and_citations(
    package: Package, example: dict[str, Any]
) -> None:
    out = evaluate(package, example).to_dict()
    hz12a = next(e for e in out["entitlements"] if e["rule"] == "HZ-12a")
    conditions = [t for t in hz12a["trace"] if t["type"] == "condition"]
    assert [(c["fact"], c["op"], c["value"], c["compared_to"], c["passed"]) for c in conditions] == [
        ("software_export_usd", ">=", "500000", "500000", True),
        ("software_export_usd", "<", "500000", "5000000", True),
    ]
    params = {t["parameter"]: t for t in hz12a["trace"] if t["type"] == "parameter"}
    assert set(params) == {"hz12a_min_export_usd", "hz12b_min_export_usd", "hz12a_reward_cny"}
    reward = params["hz12a_reward_cny"]
    assert reward["value"] == "200000"
    assert reward["effective_from"] == "2007-01-01"
    assert reward["citation"]["article"] == "HZ-12"
    assert "20万元" in reward["citation"]["text"]
    amount = next(t for t in hz12a["trace"] if t["type"] == "amount")
    assert amount["result"] == "200000.00"
    assert all(c["message"] for c in conditions)


def test_not_applicable_rules_are_absent_but_explained(package: Package, example: dict[str, Any]) -> None:
    example["enterprise"]["tech_dev_expense_prev_year_cny"] = None
    with translation.override("en"):
        out = evaluate(package, example).to_dict()
    assert "HZ-10" not in {e["rule"] for e in out["entitlements"]}
    hz10 = next(n for n in out["not_applicable"] if n["rule"] == "HZ-10")
    assert hz10["reason_code"] == "growth_no_previous"
    assert "no previous-year figure" in hz10["reason"]
    assert hz10["trace"][-1]["previous_value"] is None
    with translation.override("zh-hans"):
        chinese = evaluate(package, example).to_dict()
    assert "没有上年数据" in next(n for n in chinese["not_applicable"] if n["rule"] == "HZ-10")["reason"]


def test_amended_parameter_changes_2009_not_2008(package: Package, example: dict[str, Any]) -> None:
    change = amendment(package, "hz12a_reward_cny", "300000", date(2009, 1, 1), note="test")
    amended = package.amended([change])
    before = evaluate(amended, example).for_rule("HZ-12a")[0]
    example.update(year=2009, as_of="2009-12-31")
    for cert in example["enterprise"]["certifications"]:
        cert["year_obtained"] = 2009
    after = evaluate(amended, example).for_rule("HZ-12a")[0]
    assert before.amount == Decimal("200000.00")
    assert after.amount == Decimal("300000.00")
    reward = next(t for t in after.trace if t.get("parameter") == "hz12a_reward_cny" and t["type"] == "parameter")
    assert reward["effective_from"] == "2009-01-01"
    # The original package is untouched: history is not rewritten.
    assert evaluate(package, example).for_rule("HZ-12a")[0].amount == Decimal("200000.00")


def test_as_of_picks_values_in_force(package: Package, example: dict[str, Any]) -> None:
    change = amendment(package, "hz12a_reward_cny", "250000", date(2008, 7, 1), note="test")
    amended = package.amended([change])
    example["as_of"] = "2008-06-30"
    assert evaluate(amended, example).for_rule("HZ-12a")[0].amount == Decimal("200000.00")
    example["as_of"] = "2008-07-01"
    assert evaluate(amended, example).for_rule("HZ-12a")[0].amount == Decimal("250000.00")


def test_floor_representation_hz13b(package: Package, example: dict[str, Any]) -> None:
    example["year"], example["as_of"] = 2009, "2009-12-31"
    example["enterprise"]["certifications"] = [
        {"standard": "CMMI", "level": 3, "year_obtained": 2008, "fee_cny": "1200000"}
    ]
    (hz13b,) = evaluate(package, example).for_rule("HZ-13b")
    assert hz13b.basis == "floor"
    assert hz13b.amount == Decimal("1200000.00")  # never above the fee
    assert hz13b.minimum == Decimal("500000.00")  # not lower than 13a's formula (capped)
    assert hz13b.fund == "special_fund"


def test_range_hz15(package: Package, example: dict[str, Any]) -> None:
    example["enterprise"]["platform_investment_cny"] = "3000000.10"
    (hz15,) = evaluate(package, example).for_rule("HZ-15")
    assert (hz15.basis, hz15.amount, hz15.minimum) == ("range", Decimal("900000.03"), Decimal("600000.02"))


def test_rule_info_exposes_facts_fund_and_basis(package: Package) -> None:
    info = rule_info(package)
    assert set(info) == {
        "HZ-6", "HZ-9a", "HZ-9b", "HZ-10", "HZ-11", "HZ-12a", "HZ-12b", "HZ-12c", "HZ-13a", "HZ-13b",
        "HZ-14", "HZ-15", "HZ-17a", "HZ-17b", "HZ-17b-hire", "HZ-17c", "HZ-17d",
    }  # fmt: skip
    assert info["HZ-10"].facts == ("tech_dev_expense_cny", "tech_dev_expense_prev_year_cny")
    assert info["HZ-10"].fund == "tax" and info["HZ-10"].kind == "tax_deduction"
    assert info["HZ-13a"].fund == "sme_international_market_fund"
    assert info["HZ-13b"].basis == "floor"
    assert info["HZ-9b"].fund == "local_finance" and info["HZ-6"].fund == "zone"
    assert set(info["HZ-13a"].facts) == {
        "certifications.standard",
        "certifications.level",
        "certifications.year_obtained",
        "certifications.fee_cny",
    }
    assert info["HZ-17d"].lists == ("trainees",)
    assert info["HZ-12a"].lists == ()
