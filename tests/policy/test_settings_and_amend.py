"""Choosing packages through settings, and amendments from the command line."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.test import override_settings

from waibao.policy.engine import Package, PackageError, default_package, load_package
from waibao.policy.engine.amend import AmendmentError, parse_setting


def rename(folder: Path, new_id: str) -> None:
    meta = yaml.safe_load((folder / "package.yaml").read_text(encoding="utf-8"))
    meta["id"] = new_id
    (folder / "package.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")


def test_default_package_follows_settings(package_copy: Path) -> None:
    rename(package_copy, "shenzhen-test")
    assert default_package().id == "hangzhou-2007"
    with override_settings(WAIBAO_POLICY_PACKAGE=str(package_copy)):
        assert default_package().id == "shenzhen-test"


def test_package_names_are_searched_in_settings_dirs(package_copy: Path) -> None:
    rename(package_copy, "city-by-name")
    with override_settings(WAIBAO_POLICY_PACKAGE_DIRS=[str(package_copy.parent)]):
        assert load_package(package_copy.name).id == "city-by-name"


def test_edited_package_is_reloaded(package_copy: Path) -> None:
    first = load_package(package_copy)
    assert load_package(package_copy) is first  # cached
    rename(package_copy, "edited")
    assert load_package(package_copy).id == "edited"


@pytest.mark.parametrize("name", ["articles.yaml", "facts.yaml", "parameters.yaml", "rules.yaml"])
def test_a_change_to_any_file_the_package_reads_reloads_it(package_copy: Path, name: str) -> None:
    first = load_package(package_copy)
    stamp = (package_copy / name).stat().st_mtime_ns + 1_000_000_000
    os.utime(package_copy / name, ns=(stamp, stamp))
    assert load_package(package_copy) is not first


def test_its_test_cases_are_not_part_of_the_package(package_copy: Path) -> None:
    first = load_package(package_copy)
    (package_copy / "cases" / "more.yaml").write_text("cases: []\n", encoding="utf-8")
    assert load_package(package_copy) is first


def test_a_package_found_by_name_and_then_removed_is_an_error(package_copy: Path) -> None:
    with override_settings(WAIBAO_POLICY_PACKAGE_DIRS=[str(package_copy.parent)]):
        assert load_package(package_copy.name).id == "hangzhou-2007"
        (package_copy / "package.yaml").unlink()
        with pytest.raises(PackageError):
            load_package(package_copy.name)


@pytest.mark.parametrize(
    ("text", "parameter", "value", "start"),
    [
        ("hz12a_reward_cny=300000@2009-01-01", "hz12a_reward_cny", Decimal("300000"), date(2009, 1, 1)),
        ("hz17b_subsidy_rate=0.90", "hz17b_subsidy_rate", Decimal("0.90"), date(2010, 1, 1)),
        ("hz6_support_cny=null@2009-07-01", "hz6_support_cny", None, date(2009, 7, 1)),
        ('hz11_qualifying_brands=["national"]@2009-01-01', "hz11_qualifying_brands", ("national",), date(2009, 1, 1)),
        ("hz13b_follow_up_years=3@2009-01-01", "hz13b_follow_up_years", 3, date(2009, 1, 1)),
    ],
)
def test_parse_setting(package: Package, text: str, parameter: str, value: object, start: date) -> None:
    pid, dated = parse_setting(package, text, default_date=date(2010, 1, 1), note="t")
    assert (pid, dated.value, dated.effective_from) == (parameter, value, start)


@pytest.mark.parametrize(
    "text",
    [
        "hz12a_reward_cny",
        "nope=1@2009-01-01",
        "hz12a_reward_cny=-5@2009-01-01",
        'hz11_qualifying_brands=["global"]@2009-01-01',
        "hz13b_follow_up_years=2.5@2009-01-01",
    ],
)
def test_parse_setting_refuses(package: Package, text: str) -> None:
    with pytest.raises(AmendmentError):
        parse_setting(package, text, default_date=date(2010, 1, 1), note="t")
