"""Packages are data: loading validates them and refuses a bad one with file, path and message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from waibao.policy.engine import BUILTIN_PACKAGES, Package, PackageError, evaluate, load_package
from waibao.policy.engine.evaluate import MESSAGES

POLICY_RULE_IDS = {
    "HZ-6", "HZ-9a", "HZ-9b", "HZ-10", "HZ-11", "HZ-12a", "HZ-12b", "HZ-12c", "HZ-13a", "HZ-13b",
    "HZ-14", "HZ-15", "HZ-17a", "HZ-17b", "HZ-17b-hire", "HZ-17c", "HZ-17d",
}  # fmt: skip


def test_default_package_covers_every_rule_of_the_policy(package: Package) -> None:
    assert set(package.rule_ids) == POLICY_RULE_IDS
    assert package.effective_from.isoformat() == "2007-01-01"


def test_parameters_are_dated_and_cited(package: Package) -> None:
    for param in package.parameters.values():
        for value in param.values:
            assert value.citation.article in package.articles
            assert value.citation.text
    budget = package.parameters["hz7_annual_budget_cny"]
    assert str(budget.values[0].value) == "100000000"


def test_open_amounts_are_empty_parameters(package: Package) -> None:
    for pid in (
        "hz6_support_cny",
        "hz9a_grant_cny",
        "hz9b_rate_cny_per_m2",
        "hz11_min_export_usd",
        "hz17d_subsidy_cny",
    ):
        assert [v.value for v in package.parameters[pid].values] == [None]


def test_load_by_path_and_by_name(package_copy: Path) -> None:
    by_path = load_package(package_copy)
    assert by_path.path == package_copy.resolve()
    assert load_package("hangzhou-2007").path == (BUILTIN_PACKAGES / "hangzhou-2007").resolve()


def test_another_city_can_add_a_package_without_code(package_copy: Path) -> None:
    """A new city: its own id, a new rule of an existing kind, its own amounts."""
    meta = yaml.safe_load((package_copy / "package.yaml").read_text(encoding="utf-8"))
    meta["id"] = "another-city"
    (package_copy / "package.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    params = yaml.safe_load((package_copy / "parameters.yaml").read_text(encoding="utf-8"))
    for pid, start, amount in (("x_tier_low_usd", "100000", "50000"), ("x_tier_high_usd", "1000000", "80000")):
        params["parameters"][pid] = {
            "type": "amount" if "usd" in pid else "money",
            "unit": "USD",
            "title": {"zh": "门槛", "en": "threshold"},
            "values": [{"from": "2007-01-01", "value": start, "citation": {"article": "HZ-12", "text": "x"}}],
        }
        params["parameters"][pid + "_reward"] = {
            "type": "money",
            "title": {"zh": "奖励", "en": "reward"},
            "values": [{"from": "2007-01-01", "value": amount, "citation": {"article": "HZ-12", "text": "x"}}],
        }
    (package_copy / "parameters.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    rules = yaml.safe_load((package_copy / "rules.yaml").read_text(encoding="utf-8"))
    rules["rules"].append(
        {
            "id": "X-1",
            "article": "HZ-12",
            "title": {"zh": "分档出口奖励", "en": "Tiered export reward"},
            "kind": "cash",
            "basis": "fixed",
            "fund": "special_fund",
            "amount": {
                "kind": "threshold_tiers",
                "base": "software_export_usd",
                "tiers": [
                    {"from": "x_tier_high_usd", "amount": "x_tier_high_usd_reward"},
                    {"from": "x_tier_low_usd", "amount": "x_tier_low_usd_reward"},
                ],
            },
        }
    )
    (package_copy / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    city = load_package(package_copy)
    assert city.id == "another-city"
    base = {k: v["default"] for k, v in yaml.safe_load((package_copy / "facts.yaml").read_text())["facts"].items()}
    amounts = {}
    for export in ("99999.99", "100000", "999999.99", "1000000"):
        result = evaluate(city, {"year": 2008, "enterprise": {**base, "software_export_usd": export}})
        found = result.for_rule("X-1")
        amounts[export] = str(found[0].amount) if found else None
    assert amounts == {"99999.99": None, "100000": "50000.00", "999999.99": "50000.00", "1000000": "80000.00"}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "path", "words"),
    [
        (
            "rules.yaml",
            "parameter: hz12a_reward_cny",
            "parameter: hz12a_reward",
            "rules[5].amount.parameter",
            "unknown parameter hz12a_reward",
        ),
        ("rules.yaml", "fund: zone", "fund: lottery", "rules[0].fund", "unknown fund lottery"),
        (
            "rules.yaml",
            "{fact: moved_into_zone, op: is_true}",
            "{fact: moved_in, op: is_true}",
            "rules[0].when[0].fact",
            "unknown fact moved_in",
        ),
        ("rules.yaml", "op: in_year", "op: this_year", "rules[8].when[1].op", "not one of"),
        ("rules.yaml", "basis: range", "basis: maybe", "rules[11].basis", "not one of"),
        ("rules.yaml", "  - id: HZ-9b", "  - id: HZ-9a", "rules[2].id", "duplicate rule id HZ-9a"),
        (
            "rules.yaml",
            "rate: hz10_deduction_rate",
            "rate: hz12a_reward_cny",
            "rules[3].amount.rate",
            "of type money; expected rate",
        ),
        (
            "rules.yaml",
            "parameter: hz12a_min_export_usd",
            "parameter: hz9a_min_registered_capital_cny",
            "rules[5].when[0].parameter",
            "in CNY; expected USD",
        ),
        ("rules.yaml", "    basis: floor\n", "    basis: ceiling\n", "rules[9].minimum", "only floor and range"),
        (
            "parameters.yaml",
            'value: "0.50"',
            "value: 0.5",
            "parameters.hz10_deduction_rate.values[0].value",
            "quoted strings",
        ),
        (
            "parameters.yaml",
            'value: "200000"',
            'value: "lots"',
            "parameters.hz12a_reward_cny.values[0].value",
            "not a number",
        ),
        (
            "parameters.yaml",
            "from: 2011-01-01",
            "from: 2011-13-01",
            "parameters.hz7_annual_budget_cny.values[1].from",
            "not a date",
        ),
        (
            "parameters.yaml",
            "- from: 2011-01-01",
            "- from: 2006-01-01",
            "parameters.hz7_annual_budget_cny.values[1].from",
            "increasing date order",
        ),
        (
            "parameters.yaml",
            "{article: HZ-6,",
            "{article: HZ-99,",
            "parameters.hz6_support_cny.values[0].citation.article",
            "unknown article HZ-99",
        ),
        (
            "facts.yaml",
            "type: boolean\n    default: false\n    title: {zh: 以承接",
            "type: bool\n    default: false\n    title: {zh: 以承接",
            "facts.offshore_focused.type",
            "not one of",
        ),
        ("package.yaml", "effective_from: 2007-01-01", "effective_from: someday", "effective_from", "not a date"),
        (
            "articles.yaml",
            "  HZ-6:\n    number: 六\n",
            "  HZ-6:\n    numero: 六\n",
            "articles.HZ-6",
            "unknown key(s) numero",
        ),
    ],
)
def test_bad_package_is_refused_with_file_path_and_message(
    package_copy: Path, file: str, old: str, new: str, path: str, words: str
) -> None:
    edit(package_copy / file, old, new)
    with pytest.raises(PackageError) as info:
        load_package(package_copy)
    error = info.value
    assert error.file == str(package_copy.resolve() / file)
    assert error.path == path
    assert words in error.detail
    assert f"{file}: {path}: " in str(error)


def test_missing_file_and_broken_yaml(package_copy: Path) -> None:
    (package_copy / "facts.yaml").unlink()
    with pytest.raises(PackageError, match=r"facts\.yaml: file is missing"):
        load_package(package_copy)
    (package_copy / "facts.yaml").write_text("facts: [unclosed", encoding="utf-8")
    with pytest.raises(PackageError, match=r"facts\.yaml: not valid YAML"):
        load_package(package_copy)


def test_unknown_package_name() -> None:
    with pytest.raises(PackageError, match="no such policy package"):
        load_package("atlantis-2099")


ALLOWED_NUMBERS = {0, 1, 2, 100, 0.5, 1000, 9999, 12, 31, 16, 1e-6, 1e-5, -1}


def test_engine_code_holds_no_policy_number() -> None:
    """Amounts, thresholds and rates live in the YAML; code holds only structural constants."""
    engine = BUILTIN_PACKAGES.parent / "engine"
    found = []
    for file in engine.glob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)
            ) and node.value not in ALLOWED_NUMBERS:
                found.append(f"{file.name}:{node.lineno} {node.value}")
    assert found == []


def test_every_trace_code_has_a_message() -> None:
    assert all(MESSAGES.values())
