"""The one label lookup: codes shown to people become words in the active language, in both languages."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from waibao.common.labels import humanise, label
from waibao.manage import pop_language
from waibao.policy.engine import default_enterprise, default_package, evaluate
from waibao.policy.engine.evaluate import render_message

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    ("basis", "fixed", "固定金额", "Fixed amount"),
    ("application_status", "in_review", "部门审核中", None),
    ("enterprise_status", "recognised", "已认定", "Recognised"),
    ("action", "ledger.commitment", "资金已承诺", "Funds committed"),
    ("action", "stats.contract.submit", "合同：", "Contract: "),
    ("fact", "software_export_usd", "软件出口", "oftware export"),
    ("fact", "item.fee_cny", "费", "fee"),
    ("parameter", "hz12a_reward_cny", None, None),
    ("fund", "special_fund", "专项资金", "special fund"),
    ("choice", "fresh_graduate", "应届", "Fresh graduate"),
    ("column", "credit_code", "统一社会信用代码", "Unified social credit code"),
]


@pytest.mark.parametrize(("namespace", "code", "zh", "en"), CASES)
def test_codes_read_as_words_in_both_languages(namespace: str, code: str, zh: str | None, en: str | None) -> None:
    with translation.override("zh-hans"):
        chinese = label(namespace, code)
    with translation.override("en"):
        english = label(namespace, code)
    assert code not in (chinese, english) and "_" not in chinese + english
    assert zh is None or zh in chinese, chinese
    assert en is None or en.lower() in english.lower(), english
    assert chinese != english


def test_an_unknown_code_is_never_shown_as_snake_case() -> None:
    assert label("basis", "no_such_basis") == "no such basis" == humanise("no_such_basis")
    assert label("basis", "") == "" and label("basis", None) == ""


def test_explanations_name_facts_and_parameters_by_title_and_show_money() -> None:
    package = default_package()
    enterprise = {**default_enterprise(package), "software_export_usd": "820000"}
    result = evaluate(package, {"year": 2008, "enterprise": enterprise})
    (award,) = [e for e in result.entitlements if e.rule == "HZ-12a"]
    with translation.override("zh-hans"):
        lines = [render_message(e) for e in award.trace if e.get("code")]
    text = "\n".join(lines)
    assert "software_export_usd" not in text and "hz12a" not in text
    assert "软件出口" in text and "820,000" in text and "200,000.00 元" in text
    with translation.override("en"):
        english = "\n".join(render_message(e) for e in award.trace if e.get("code"))
    assert "820,000 USD" in english and "200,000.00 CNY" in english
    # The policy's own YAML cases compare the untranslated message with codes: unchanged.
    condition = next(e for e in award.trace if e.get("code") == "compare_met")
    assert "software_export_usd" in render_message(condition, translate=False)
    assert Decimal("200000") == award.amount


def test_pop_language_takes_the_option_anywhere() -> None:
    assert pop_language(["waibao", "policy", "--language", "en", "show"]) == (["waibao", "policy", "show"], "en")
    assert pop_language(["waibao", "--language=zh-hans", "check"]) == (["waibao", "check"], "zh-hans")
    assert pop_language(["waibao", "check"]) == (["waibao", "check"], None)


@pytest.mark.slow
def test_the_command_line_answers_in_the_language_asked_and_in_the_settings_default() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    waibao = str(Path(sys.executable).parent / "waibao")

    def run(*args: str) -> str:
        done = subprocess.run([waibao, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    english = run("--language", "en", "policy", "show")
    assert "Articles" in english and "条款" not in english.split("\n")[1]
    chinese = run("policy", "show")
    assert "规则" in chinese and "Rules" not in chinese
    assert "hz12a_reward_cny" not in chinese and "special_fund" not in chinese
    refused = subprocess.run([waibao, "--language", "fr", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode == 2


@pytest.mark.django_db
def test_the_admin_speaks_chinese_in_its_section_headings() -> None:
    from django.test import Client

    from waibao.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "Correct-Horse-9x")
    client = Client()
    client.force_login(admin, backend="waibao.accounts.backends.ModelBackend")
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for heading in ("企业与园区", "账号管理", "审计记录", "系统管理"):
        assert heading in page, heading
    for english in (">Registry<", ">Accounts<", ">Audit<", "Django administration"):
        assert english not in page, english


def test_label_in_names_a_code_in_the_language_asked_whatever_is_active() -> None:
    from waibao.common.labels import label_in, register_resolver

    with translation.override("en"):
        english = label("case_status", "accepted")
    with translation.override("zh-hans"):
        chinese = label("case_status", "accepted")
        assert english != chinese
        assert label_in("en", "case_status", "accepted") == english
        assert label_in("en", "case_status", "accepted") == english  # remembered, still right
    with translation.override("en"):
        assert label_in("zh-hans", "case_status", "accepted") == chinese
    # A resolver's label (data) is looked up each time, not remembered.
    names = {"x1": "first"}
    register_resolver("test_label_in_data", names.get)
    assert label_in("en", "test_label_in_data", "x1") == "first"
    names["x1"] = "renamed"
    assert label_in("en", "test_label_in_data", "x1") == "renamed"
