"""The top-ten results as an open dataset: only published final lists, place by place with the scores the public
page shows; the release validates as a Frictionless data package; nothing beyond the public page."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests.topten.conftest import YEAR
from waibao.accounts.models import User
from waibao.opendata.catalogue import dataset_spec
from waibao.opendata.services import release_publish
from waibao.topten.models import RunStatus, SelectionRun

pytestmark = pytest.mark.django_db


def test_published_lists_are_an_open_dataset(
    city, office: User, client_for: Callable[[User | None], Client], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from frictionless import Package

    enterprises = city(12)
    as_office, public = client_for(office), client_for(None)
    as_office.post("/topten/runs/", {"year": YEAR})
    run = SelectionRun.objects.get()
    as_office.post(f"/topten/runs/{run.pk}/action/", {"action": "notice"})
    # In its notice period the list is not final: the dataset has no row of it.
    assert release_publish(dataset="topten", acting_user=office).rows == []

    target = timezone.localdate() + datetime.timedelta(days=8)
    monkeypatch.setattr("waibao.applications.services.today", lambda: target)
    as_office.post(f"/topten/runs/{run.pk}/action/", {"action": "publish"})
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    release = release_publish(dataset="topten", acting_user=office)
    assert release.version == 2
    final = [e for e in run.list_entries.select_related("enterprise").order_by("position") if e.on_final_list]
    criteria = {"operating_scale", "technological_innovation", "market_development", "taxes"}
    assert len(release.rows) == len(final) * len(criteria) == 40
    first = [r for r in release.rows if r["rank"] == 1]
    assert {r["criterion"] for r in first} == criteria
    assert {r["enterprise_name_zh"] for r in first} == {final[0].name_zh}
    assert {r["credit_code"] for r in first} == {final[0].enterprise.credit_code}
    assert all(r["year"] == YEAR for r in release.rows)
    by_criterion = {r["criterion"]: r for r in first}
    assert by_criterion["taxes"]["score"] == f"{final[0].scores['taxes']:.4f}"
    assert by_criterion["taxes"]["total_score"] == f"{final[0].total:.4f}"
    assert by_criterion["taxes"]["criterion_title_zh"] != by_criterion["taxes"]["criterion_title_en"]

    # The public page shows these scores; the dataset carries nothing the page does not (no indicator input).
    page = public.get(f"/topten/{run.pk}/").content.decode()
    assert by_criterion["taxes"]["score"] in page and final[0].name_zh in page
    text = public.get("/open-data/topten/v2.csv").content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 40 and list(table[0]) == dataset_spec("topten").field_names
    for e in enterprises:
        assert str(e.employees) not in {row["score"] for row in table}
    assert "1000000" not in text and "inputs" not in text

    # The release validates as a Frictionless data package with its rows.
    descriptor = public.get("/open-data/topten/v2/datapackage.json").json()
    for resource in descriptor["resources"]:
        name = f"data.{resource['format']}"
        (tmp_path / name).write_bytes(public.get(f"/open-data/topten/v2.{resource['format']}").content)
        resource["path"] = name
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
