"""The catalogue of scarce talent (HZ-18) loaded from the data set and shown; the demo postings and job seeker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from waibao.accounts.models import Role, User
from waibao.common.dataset import DatasetError
from waibao.recruitment.dataset import load_scarce_talent_dataset
from waibao.recruitment.models import Candidacy, Posting, PostingStatus, ScarceTalent, ScarceTalentBenefit

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


def test_the_catalogue_loads_and_is_shown_in_both_languages(dataset: Path, client_for: ClientFor) -> None:
    counts = load_scarce_talent_dataset(dataset)
    assert counts["scarce talent"] >= 5 and counts["benefits"] == 5
    architect = ScarceTalent.objects.get(code="software-architect")
    assert architect.category_id == "ito-software-tech" and architect.citation == "HZ-18"
    assert load_scarce_talent_dataset(dataset) == counts, "loading again changes nothing"
    client = client_for(None)
    zh = client.get("/careers/talent-catalogue/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "软件架构师" in zh and "子女入学" in zh and "高层次人才" in zh
    en = client.get("/careers/talent-catalogue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Software architect" in en and "High-level talent" in en and "软件架构师" not in en
    assert "/careers/?category=ito-software-tech" in en, "each entry links to its jobs"


def test_a_bad_catalogue_is_refused_with_the_entry(dataset: Path, tmp_path: Path) -> None:
    doc = {"talents": [{"code": "x", "name_zh": "某", "name_en": "X", "level": "legendary"}]}
    (tmp_path / "scarce_talent.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"talents\[1\]: level"):
        load_scarce_talent_dataset(tmp_path)
    doc = {"talents": [{"code": "x", "name_zh": "某", "name_en": "X", "level": "key", "category": "nope"}]}
    (tmp_path / "scarce_talent.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown service category"):
        load_scarce_talent_dataset(tmp_path)
    assert not ScarceTalent.objects.filter(code="x").exists()


def test_load_defaults_loads_the_catalogue(dataset: Path) -> None:
    call_command("load_defaults", verbosity=0)
    assert ScarceTalent.objects.count() >= 5 and ScarceTalentBenefit.objects.count() == 5


def test_the_demo_makes_postings_and_a_job_seeker(dataset: Path, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("demo", enterprises=12, seed=2007, verbosity=0)
    call_command("demo_accounts", quiet=True, verbosity=0)
    seeker = User.objects.get(username="jobseeker")
    assert seeker.role == Role.JOB_SEEKER and seeker.check_password("Waibao-demo-2007")
    call_command("recruitment", "demo", verbosity=0)
    states = set(Posting.objects.values_list("status", flat=True))
    assert {PostingStatus.DRAFT, PostingStatus.SUBMITTED, PostingStatus.PUBLISHED, PostingStatus.EXPIRED} <= states
    assert Candidacy.objects.filter(seeker__user=seeker).count() == 1
    count = Posting.objects.count()
    call_command("recruitment", "demo", verbosity=0)
    assert Posting.objects.count() == count, "idempotent"


def test_demo_accounts_lists_the_job_seeker(dataset: Path, capsys: Any) -> None:
    call_command("demo", enterprises=12, seed=2007, verbosity=0)
    call_command("demo_accounts")
    assert "jobseeker" in capsys.readouterr().out
