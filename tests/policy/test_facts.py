"""Facts are refused with a message naming the fact: missing, malformed, unknown."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from waibao.common.errors import DomainError
from waibao.policy.engine import FactsError, Package, evaluate


def refused(package: Package, data: Any) -> FactsError:
    with translation.override("en"), pytest.raises(FactsError) as info:
        evaluate(package, data)
    return info.value


def test_facts_errors_are_translated(package: Package, example: dict[str, Any]) -> None:
    del example["enterprise"]["offshore_focused"]
    with translation.override("zh-hans"), pytest.raises(FactsError) as info:
        evaluate(package, example)
    assert str(info.value) == "enterprise.offshore_focused: 必须填写"


def test_facts_error_is_a_domain_error() -> None:
    assert issubclass(FactsError, DomainError)


def test_missing_fact_is_named(package: Package, example: dict[str, Any]) -> None:
    del example["enterprise"]["software_export_usd"]
    error = refused(package, example)
    assert error.field == "enterprise.software_export_usd"
    assert "software_export_usd" in str(error) and "required" in str(error)


def test_unknown_fact_is_named(package: Package, example: dict[str, Any]) -> None:
    example["enterprise"]["employees"] = 10
    assert refused(package, example).field == "enterprise.employees"


@pytest.mark.parametrize(
    ("fact", "value", "words"),
    [
        ("software_export_usd", 500000.5, "decimal string"),
        ("software_export_usd", "lots", "not a number"),
        ("registered_capital_cny", "-1", "negative"),
        ("registered_capital_cny", "1.001", "two decimal places"),
        ("offshore_focused", "yes", "true or false"),
        ("rd_centre_recognition", "county", "not one of"),
        ("industrialised_patents", "2", "whole number"),
        ("actual_tax_paid_cny", None, "null"),
    ],
)
def test_malformed_fact_is_named(package: Package, example: dict[str, Any], fact: str, value: Any, words: str) -> None:
    example["enterprise"][fact] = value
    error = refused(package, example)
    assert error.field == f"enterprise.{fact}"
    assert words in str(error)


def test_previous_year_may_be_null(package: Package, example: dict[str, Any]) -> None:
    example["enterprise"]["tech_dev_expense_prev_year_cny"] = None
    assert evaluate(package, example).for_rule("HZ-10") == []


def test_lists_may_be_omitted(package: Package, example: dict[str, Any]) -> None:
    del example["enterprise"]["certifications"]
    del example["enterprise"]["trainees"]
    rules = {e.rule for e in evaluate(package, example).entitlements}
    assert rules == {"HZ-9a", "HZ-10", "HZ-12a", "HZ-12c"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e["certifications"][0].update(standard="ISO9001"), "enterprise.certifications[0].standard"),
        (lambda e: e["certifications"][0].pop("fee_cny"), "enterprise.certifications[0].fee_cny"),
        (lambda e: e["certifications"][0].update(year_obtained=2009), "enterprise.certifications[0].year_obtained"),
        (lambda e: e["certifications"][0].update(colour="red"), "enterprise.certifications[0].colour"),
        (lambda e: e["trainees"][0].update(category="intern"), "enterprise.trainees[0].category"),
        (lambda e: e.update(trainees="none"), "enterprise.trainees"),
        (lambda e: e["trainees"].append(3), "enterprise.trainees[1]"),
    ],
)
def test_malformed_items_are_named(package: Package, example: dict[str, Any], change: Any, field: str) -> None:
    change(example["enterprise"])
    assert refused(package, example).field == field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("year"), "year"),
        (lambda d: d.update(year="2008"), "year"),
        (lambda d: d.update(as_of="31/12/2008"), "as_of"),
        (lambda d: d.update(as_of="2006-12-31"), "as_of"),
        (lambda d: d.update(colour=1), "colour"),
        (lambda d: d.pop("enterprise"), "enterprise"),
        (lambda d: d.update(enterprise=[]), "enterprise"),
    ],
)
def test_malformed_top_level_is_named(package: Package, example: dict[str, Any], change: Any, field: str) -> None:
    change(example)
    assert refused(package, example).field == field


def test_as_of_defaults_to_the_end_of_the_year(package: Package, example: dict[str, Any]) -> None:
    del example["as_of"]
    assert evaluate(package, example).as_of.isoformat() == "2008-12-31"
