"""The package's YAML cases all pass, and the case checker does fail on a wrong expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from waibao.policy.engine import DEFAULT_PACKAGE, PackageError, load_package
from waibao.policy.engine.cases import run_cases

OUTCOMES = run_cases(load_package(DEFAULT_PACKAGE))


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[f"{o.file}:{o.name}" for o in OUTCOMES])
def test_policy_case(outcome: object) -> None:
    assert outcome.passed, outcome.failures  # type: ignore[attr-defined]


def test_cases_cover_every_rule() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (load_package(DEFAULT_PACKAGE).path / "cases").glob("*.yaml"))
    for rule in load_package(DEFAULT_PACKAGE).rule_ids:
        assert f"rule: {rule}," in text, rule


def test_a_wrong_expectation_fails(package_copy: Path) -> None:
    file = package_copy / "cases" / "hz12.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace('{rule: HZ-12c, amount_cny: "600000.00"}', '{rule: HZ-12c, amount_cny: "600000.01"}'),
        encoding="utf-8",
    )
    failed = [o for o in run_cases(load_package(package_copy)) if not o.passed]
    assert [o.name for o in failed] == ["HZ-12c city R&D centre earns 600,000"]
    assert "600000.01" in failed[0].failures[0]


def test_an_unexpected_entitlement_fails(package_copy: Path) -> None:
    file = package_copy / "cases" / "hz06_hz09.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace(
            "enterprise: {moved_into_zone: true}", "enterprise: {moved_into_zone: true, industrialised_patents: 1}"
        ),
        encoding="utf-8",
    )
    failed = [o for o in run_cases(load_package(package_copy)) if not o.passed]
    assert len(failed) == 1 and "unexpected entitlements: HZ-14" in failed[0].failures[0]


def test_a_malformed_case_file_is_refused(package_copy: Path) -> None:
    (package_copy / "cases" / "broken.yaml").write_text(
        "cases:\n  - name: x\n    year: 2008\n    enterprise: {}\n    expect: [{rule: HZ-99}]\n", encoding="utf-8"
    )
    with pytest.raises(PackageError) as info:
        run_cases(load_package(package_copy))
    assert info.value.path == "cases[0].expect[0].rule"
    assert info.value.file.endswith("broken.yaml")
