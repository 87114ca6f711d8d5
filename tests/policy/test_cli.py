"""`waibao policy …`: the evaluate contract, exit codes and output streams, test, show, simulate."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import EnterpriseFactory

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "policy", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )


def call(*args: str) -> str:
    out = StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, data: Any, name: str = "in.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_evaluate_prints_one_json_object(tmp_path: Path, example: dict[str, Any]) -> None:
    done = run_cli("evaluate", write(tmp_path, example))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) >= {"package", "year", "as_of", "entitlements"}
    assert [(e["rule"], e["amount_cny"]) for e in out["entitlements"]] == [
        ("HZ-9a", None),
        ("HZ-10", "1100000.00"),
        ("HZ-12a", "200000.00"),
        ("HZ-12c", "600000.00"),
        ("HZ-13a", "200000.00"),
        ("HZ-17b", "5100.00"),
        ("HZ-17b-hire", "900.00"),
    ]


@pytest.mark.parametrize(
    ("content", "package", "words"),
    [
        (None, None, "missing.json"),
        ("{not json", None, "JSON"),
        ({"year": 2008, "enterprise": {}}, None, "enterprise.registered_capital_cny"),
        ("EXAMPLE", "atlantis", "atlantis"),
        ('{"year": 2008, "enterprise": {"software_export_usd": 1.5}}', None, "1.5"),
    ],
)
def test_evaluate_bad_input_is_refused_with_status_2_and_no_output(
    tmp_path: Path, example: dict[str, Any], content: Any, package: str | None, words: str
) -> None:
    file = (
        str(tmp_path / "missing.json")
        if content is None
        else write(tmp_path, example if content == "EXAMPLE" else content)
    )
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("policy", "evaluate", file, *(["--package", package] if package else []), stdout=out)
    assert info.value.returncode == 2
    assert out.getvalue() == ""
    assert words in str(info.value)


def test_evaluate_bad_input_process_exits_2_with_nothing_on_stdout(tmp_path: Path) -> None:
    done = run_cli("evaluate", write(tmp_path, {"year": 2008, "enterprise": {}}))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "enterprise.registered_capital_cny" in done.stderr


def test_evaluate_with_package_path(tmp_path: Path, example: dict[str, Any]) -> None:
    from waibao.policy.engine import BUILTIN_PACKAGES

    out = json.loads(call("evaluate", write(tmp_path, example), "--package", str(BUILTIN_PACKAGES / "hangzhou-2007")))
    assert out["package"] == "hangzhou-2007"


def test_evaluate_refusal_through_call_command(tmp_path: Path, example: dict[str, Any]) -> None:
    example["enterprise"]["brand_recognition"] = "global"
    with pytest.raises(CommandError) as info:
        call("evaluate", write(tmp_path, example))
    assert info.value.returncode == 2
    assert "enterprise.brand_recognition" in str(info.value)


def test_policy_test_passes_and_fails(package_copy: Path) -> None:
    out = call("test")
    assert "FAIL" not in out and "PASS" in out
    file = package_copy / "cases" / "hz12.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace('"2000000.00"', '"2000001.00"'), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("policy", "test", "--package", str(package_copy), stdout=out)
    assert info.value.returncode == 1
    assert "FAIL  hz12.yaml: HZ-12c national R&D centre earns 2,000,000" in out.getvalue()


def test_show_lists_articles_rules_and_values_in_force() -> None:
    out = call("show", "--as-of", "2008-06-01")
    assert "HZ-13b" in out and "认证奖励最高金额" in out and "最高不超过50万元" in out
    assert "hz13_reward_cap_cny" not in out and "500,000.00" in out
    data = json.loads(call("show", "--as-of", "2011-06-01", "--json"))
    budget = next(p for p in data["parameters"] if p["id"] == "hz7_annual_budget_cny")
    assert budget["value"] is None and budget["effective_from"] == "2011-01-01"
    assert {r["id"] for r in data["rules"]} >= {"HZ-6", "HZ-17d"}


def facts_file(tmp_path: Path, example: dict[str, Any], copies: int = 3) -> str:
    return write(tmp_path, [example["enterprise"]] * copies, "facts.json")


def test_simulate_baseline_against_amended(tmp_path: Path, example: dict[str, Any]) -> None:
    out = json.loads(
        call(
            "simulate",
            "--year",
            "2008",
            "--facts",
            facts_file(tmp_path, example),
            "--json",
            "--set",
            "hz12a_reward_cny=300000@2008-01-01",
        )
    )
    rules = {r["rule"]: r for r in out["rules"]}
    assert rules["HZ-12a"]["baseline"]["amount_cny"] == "600000.00"
    assert rules["HZ-12a"]["amended"]["amount_cny"] == "900000.00"
    assert rules["HZ-9a"]["amended"]["without_amount"] == 3
    funds = {f["fund"]: f for f in out["funds"]}
    # special fund: 3 × (200000 + 600000 + 5100 + 900) baseline
    assert funds["special_fund"]["baseline_cny"] == "2418000.00"
    assert funds["special_fund"]["amended_cny"] == "2718000.00"
    assert out["budget"]["baseline"] == {
        "budget_cny": "100000000",
        "rewards_cny": "2418000.00",
        "share_percent": "2.42",
    }
    assert out["amendments"] == [{"parameter": "hz12a_reward_cny", "value": "300000", "from": "2008-01-01"}]


def test_simulate_amendment_dated_after_the_year_changes_nothing(tmp_path: Path, example: dict[str, Any]) -> None:
    out = json.loads(
        call(
            "simulate",
            "--year",
            "2008",
            "--facts",
            facts_file(tmp_path, example),
            "--json",
            "--set",
            "hz12a_reward_cny=300000@2009-01-01",
        )
    )
    hz12a = next(r for r in out["rules"] if r["rule"] == "HZ-12a")
    assert hz12a["change_cny"] == "0.00"


def test_simulate_table_and_json_lines(tmp_path: Path, example: dict[str, Any]) -> None:
    lines = "\n".join(json.dumps(example["enterprise"]) for _ in range(2))
    out = call("simulate", "--year", "2008", "--facts", write(tmp_path, lines, "facts.jsonl"))
    assert "HZ-12a" in out and "市服务外包专项资金" in out and "100,000,000.00" in out
    assert "special_fund" not in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--set", "no_such=1@2008-01-01"], "unknown parameter no_such"),
        (["--set", "hz12a_reward_cny=abc@2008-01-01"], "not a number"),
        (["--set", "hz12a_reward_cny=1@someday"], "not a date"),
    ],
)
def test_simulate_bad_settings_exit_2(tmp_path: Path, example: dict[str, Any], args: list[str], words: str) -> None:
    with pytest.raises(CommandError) as info:
        call("simulate", "--year", "2008", "--facts", facts_file(tmp_path, example), *args)
    assert info.value.returncode == 2
    assert words in str(info.value)


def test_simulate_bad_facts_name_the_record(tmp_path: Path, example: dict[str, Any]) -> None:
    bad = dict(example["enterprise"], offshore_focused="yes")
    with pytest.raises(CommandError, match=r"\[1\]\.offshore_focused"):
        call("simulate", "--year", "2008", "--facts", write(tmp_path, [example["enterprise"], bad]))


@pytest.mark.django_db
def test_simulate_from_registry(tmp_path: Path) -> None:
    from waibao.registry.models import EnterpriseStatus

    EnterpriseFactory(registered_capital_cny="150000000.00", offshore_focused=True)
    EnterpriseFactory(registered_capital_cny="1000.00", is_headquarters=True)
    EnterpriseFactory(
        registered_capital_cny="200000000.00",
        offshore_focused=True,
        status=EnterpriseStatus.SUSPENDED,
        status_reason="test",
    )
    out = json.loads(call("simulate", "--year", "2008", "--from-registry", "--json"))
    assert out["enterprises"] == 2
    assert "registered_capital_cny" not in out["defaulted_facts"]
    assert "offshore_focused" not in out["defaulted_facts"]
    assert "actual_tax_paid_cny" in out["defaulted_facts"]
    assert "software_export_usd" in out["defaulted_facts"]
    rules = {r["rule"]: r for r in out["rules"]}
    # actual tax paid defaults to zero, so neither HZ-9a nor HZ-9b applies yet.
    assert rules["HZ-9a"]["baseline"]["entitlements"] == 0
    assert rules["HZ-9b"]["baseline"]["entitlements"] == 0
    table = call("simulate", "--year", "2008", "--from-registry")
    assert "实际税收" in table and "actual_tax_paid_cny" not in table  # facts by their titles
    assert "special_fund" not in table and "市服务外包专项资金" in table  # funds by their names


@pytest.mark.django_db
def test_simulate_from_registry_takes_software_exports_from_approved_statistics() -> None:
    from decimal import Decimal

    from waibao.statistics.models import IndicatorRollup

    exporter = EnterpriseFactory(status="recognised")
    EnterpriseFactory(status="recognised")  # no statistics: exports count as zero

    def rollup(year: int, usd: str, *, category: str = "ito-software-dev", offshore: bool = True) -> None:
        IndicatorRollup.objects.create(
            year=year, month=6, enterprise=exporter, zone="", top_level="ITO", category=category,
            country="US" if offshore else "CN", ownership="", offshore=offshore, execution_count=1,
            executed_amount_usd=Decimal(usd), executed_amount_cny=Decimal(usd) * 7,
        )  # fmt: skip

    rollup(2007, "600000")
    rollup(2007, "9000000", offshore=False)  # onshore work is not an export
    rollup(2007, "9000000", category="bpo-hr")  # not a software category
    out = json.loads(
        call("simulate", "--year", "2008", "--from-registry", "--set", "hz12a_reward_cny=300000@2008-01-01", "--json")
    )
    assert "software_export_usd" not in out["defaulted_facts"]
    # 2008 has none yet: the latest year forecasts it
    assert "2007" in out["source"] and "software_export_usd" not in out["source"]
    rules = {r["rule"]: r for r in out["rules"]}
    assert rules["HZ-12a"]["baseline"]["entitlements"] == 1
    assert rules["HZ-12a"]["baseline"]["amount_cny"] == "200000.00"
    assert rules["HZ-12a"]["amended"]["amount_cny"] == "300000.00"
    assert rules["HZ-12b"]["baseline"]["entitlements"] == 0
