"""Default data set loading (idempotent, refuses bad files with the place named) and the demo city."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from waibao.audit.services import audit_verify
from waibao.governance.models import Department, Duty
from waibao.registry.credit_code import check_credit_code
from waibao.registry.demo import create_demo_enterprises, generate
from waibao.registry.models import Enterprise, ServiceCategory, Zone

pytestmark = pytest.mark.django_db


def test_default_data_matches_the_policy(dataset: Path) -> None:
    assert set(Zone.objects.values_list("code", flat=True)) == {
        "htz",
        "etdz",
        "digital-entertainment-park",
        "electronic-info-training-centre",
    }
    assert Zone.objects.get(code="htz").focus_categories.get().code == "ito"
    assert Zone.objects.get(code="etdz").focus_categories.get().code == "bpo"
    assert Department.objects.count() == 13
    duty = Duty.objects.get(citation="SZ-1.8")
    assert "统计" in duty.text_zh and str(duty.deadline) == "2007-12-31"
    assert Duty.objects.get(citation="SZ-4.6").is_key
    assert set(Duty.objects.get(citation="SZ-1.4").partners.values_list("code", flat=True)) == {"finance"}
    assert ServiceCategory.objects.get(code="ito-software-dev").top_level == "ITO"


def test_loading_twice_changes_nothing(dataset: Path) -> None:
    before = (Zone.objects.count(), Duty.objects.count(), ServiceCategory.objects.count())
    call_command("load_defaults", dataset=dataset)
    assert (Zone.objects.count(), Duty.objects.count(), ServiceCategory.objects.count()) == before


def test_another_city_loads_its_own_data(dataset: Path, tmp_path: Path) -> None:
    city = tmp_path / "city"
    shutil.copytree(dataset, city)
    (city / "zones.yaml").write_text(
        "- {code: qianhai, name_zh: 前海服务外包示范区, name_en: Qianhai, focus_categories: [kpo]}\n", encoding="utf-8"
    )
    call_command("load_defaults", dataset=city)
    assert Zone.objects.get(code="qianhai").focus_categories.get().code == "kpo"


def test_bad_data_set_names_file_and_entry(dataset: Path, tmp_path: Path) -> None:
    city = tmp_path / "bad"
    shutil.copytree(dataset, city)
    (city / "zones.yaml").write_text("- {code: x, name_zh: X, focus_categories: [nope]}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"zones\.yaml\[0\].*nope"):
        call_command("load_defaults", dataset=city)
    assert not Zone.objects.filter(code="x").exists()  # refused whole
    (city / "zones.yaml").write_text("- {name_zh: no code}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"zones\.yaml\[0\]: 'code' is required"):
        call_command("load_defaults", dataset=city)


def test_demo_is_deterministic_valid_and_idempotent(dataset: Path) -> None:
    first = [(e.credit_code, e.name_zh, c) for e, c in generate(count=300, seed=42)]
    again = [(e.credit_code, e.name_zh, c) for e, c in generate(count=300, seed=42)]
    other = [(e.credit_code, e.name_zh, c) for e, c in generate(count=300, seed=43)]
    assert first == again and first != other
    assert all(check_credit_code(code).valid for code, _n, _c in first)
    assert len({code for code, _n, _c in first}) == 300 and len({n for _c, n, _x in first}) == 300
    assert create_demo_enterprises(count=300, seed=42) == 300
    assert create_demo_enterprises(count=300, seed=42) == 0
    assert Enterprise.objects.count() == 300
    assert Enterprise.objects.filter(categories__isnull=False).distinct().count() == 300
    assert audit_verify().ok
