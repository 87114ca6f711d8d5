"""Open-data releases: built under the disclosure rules, numbered, immutable, downloadable as CSV, XLSX and
JSON with matching contents, described by a Frictionless data package and DCAT-AP JSON-LD."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from openpyxl import load_workbook

from waibao.accounts.models import User
from waibao.opendata.catalogue import datasets
from waibao.opendata.models import Release, ReleaseFile
from waibao.opendata.services import ReleaseConflictError, release_problems, release_publish
from waibao.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def files_of(client: Client, release: Release) -> dict[str, bytes]:
    out = {}
    for fmt in ("csv", "xlsx", "json"):
        response = client.get(f"/open-data/{release.dataset}/v{release.version}.{fmt}")
        assert response.status_code == 200, response.content
        assert response["Digest"] == f"sha-256={ReleaseFile.objects.get(release=release, format=fmt).sha256}"
        out[fmt] = response.content
    return out


def test_indicators_release_files_agree_and_withhold_the_lone_enterprise(
    city: dict[str, Enterprise], office: User, client_for: Callable[[User | None], Client]
) -> None:
    release = release_publish(dataset="indicators", acting_user=office)
    assert release.version == 1 and release.row_count == len(release.rows) > 0
    files = files_of(client_for(None), release)

    rows_csv = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8"))))
    body = json.loads(files["json"])
    sheet = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)["data"]
    xlsx = list(sheet.iter_rows(values_only=True))
    assert xlsx[0] == tuple(f["name"] for f in release.fields) == tuple(rows_csv[0].keys())
    assert len(rows_csv) == len(body["rows"]) == len(xlsx) - 1 == release.row_count
    assert body["content_sha256"] == release.content_sha256 and body["version"] == 1

    by_key = {(r["dimension"], r["code"], r["measure"]): r for r in body["rows"]}
    htz = by_key[("zone", "htz", "executed_amount_usd")]
    assert htz["value"] == "200000.00" and htz["withheld"] is False
    assert htz["name_zh"] and htz["name_en"] and htz["measure_name_zh"] != htz["measure_name_en"]
    # The lone enterprise's zone and market are withheld, and so is a complement (else total − htz gives it).
    assert by_key[("zone", "etdz", "executed_amount_usd")]["value"] is None
    assert by_key[("market", "JP", "executed_amount_offshore_usd")]["withheld"] is True
    csv_row = next(r for r in rows_csv if r["code"] == "etdz")
    assert csv_row["value"] == "" and csv_row["withheld"] == "true"
    xlsx_htz = next(r for r in xlsx[1:] if r[4] == "htz")
    assert str(xlsx_htz[10]) == "200000" or float(xlsx_htz[10]) == 200000.0
    # total − htz − park would give the lone zone: one more of them is withheld.
    assert [
        by_key[("total", "", "executed_amount_usd")]["value"],
        by_key[("zone", "digital-entertainment-park", "executed_amount_usd")]["value"],
    ].count(None) >= 1

    # Nothing of the lone enterprise in any file: no figure, no name, no credit code.
    lone = city["lone"]
    for data in (files["csv"], files["json"], json.dumps(release.rows).encode()):
        text = data.decode("utf-8")
        for secret in ("876543", "765432", lone.credit_code, lone.name_zh, lone.name_en):
            assert secret not in text


def test_a_release_cannot_be_changed_or_deleted(city: dict[str, Enterprise], office: User) -> None:
    release = release_publish(dataset="indicators", acting_user=office)
    stored = ReleaseFile.objects.get(release=release, format="csv")
    with pytest.raises(DatabaseError), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(rows=[{"value": 1}])
    with pytest.raises(DatabaseError), transaction.atomic():
        release.row_count = 1
        release.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReleaseFile.objects.filter(pk=stored.pk).update(content=b"forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReleaseFile.objects.filter(pk=stored.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Release.objects.filter(pk=release.pk).delete()
    assert release_problems(release) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="forges a row past the triggers (SQLite only)")
def test_a_forged_file_is_detected_and_not_served(
    city: dict[str, Enterprise], office: User, client_for: Callable[[User | None], Client]
) -> None:
    """Past the triggers (an operator with the owner role), a change is caught by the stored hashes."""
    release = release_publish(dataset="indicators", acting_user=office)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER opendata_releasefile_no_update")
        cursor.execute("DROP TRIGGER opendata_release_no_update")
        cursor.execute("UPDATE opendata_releasefile SET content = %s WHERE format = 'csv'", [b"year\r\n2007\r\n"])
        cursor.execute("UPDATE opendata_release SET row_count = 1")
    problems = release_problems(release)
    assert any("csv" in p for p in problems) and any("row count" in p for p in problems)
    response = client_for(None).get(f"/open-data/indicators/v{release.version}.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and b"no longer matches the hash" in response.content
    with pytest.raises(Exception, match="problem"):
        call_command("opendata", "verify")


def test_versions_follow_changes_and_earlier_releases_stay(
    city: dict[str, Enterprise], recorder: Callable[..., Any], office: User, client_for: Callable[[User | None], Client]
) -> None:
    from tests.factories import EnterpriseFactory
    from waibao.registry.models import Zone

    first = release_publish(dataset="indicators", acting_user=office)
    before = files_of(client_for(None), first)
    with pytest.raises(ReleaseConflictError) as unchanged:
        release_publish(dataset="indicators", acting_user=office)
    assert unchanged.value.code == "unchanged" and unchanged.value.status_code == 409
    recorder(EnterpriseFactory(zone=Zone.objects.get(code="htz")), "100000", executed="10000", no="H9")
    second = release_publish(dataset="indicators", acting_user=office)
    assert second.version == 2 and second.content_sha256 != first.content_sha256
    assert files_of(client_for(None), first) == before  # the first release is as it was
    assert [r.version for r in Release.objects.filter(dataset="indicators")] == [2, 1]


def test_only_the_office_publishes(
    city: dict[str, Enterprise],
    office: User,
    reviewer: User,
    enterprise_user: User,
    client_for: Callable[[User | None], Client],
) -> None:
    from waibao.common.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        release_publish(dataset="indicators", acting_user=reviewer)
    for user in (None, reviewer, enterprise_user):
        response = client_for(user).post("/open-data/indicators/release/")
        assert response.status_code in (302, 403)
        assert not Release.objects.exists()
    page = client_for(office).get("/open-data/indicators/").content.decode()
    assert "/open-data/indicators/release/" in page
    assert "/open-data/indicators/release/" not in client_for(None).get("/open-data/indicators/").content.decode()
    response = client_for(office).post("/open-data/indicators/release/")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job_page = client_for(office).get(response["Location"]).content.decode()
    assert Release.objects.filter(dataset="indicators", version=1).exists(), job_page
    assert client_for(None).get("/open-data/no-such-dataset/").status_code == 404
    assert client_for(None).get("/open-data/indicators/v9.csv").status_code == 404
    assert client_for(None).get("/open-data/indicators/v1.exe").status_code == 404


def test_every_dataset_releases_and_validates_as_a_frictionless_data_package(
    city: dict[str, Enterprise], office: User, client_for: Callable[[User | None], Client], tmp_path: Path
) -> None:
    from frictionless import Package

    call_command("opendata", "release")
    client = client_for(None)
    for spec in datasets():
        release = Release.objects.get(dataset=spec.code, version=1)
        files = files_of(client, release)
        descriptor = client.get(f"/open-data/{spec.code}/v1/datapackage.json").json()
        assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
        assert descriptor["contributors"][0]["email"]
        folder = tmp_path / spec.code
        folder.mkdir()
        for resource in descriptor["resources"]:
            assert resource["path"].startswith("http")
            name = f"data.{resource['format']}"
            (folder / name).write_bytes(files[resource["format"]])
            resource["path"] = name
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        package = Package(str(folder / "datapackage.json"))
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        table = next(r for r in descriptor["resources"] if r["format"] == "csv")
        assert [f["name"] for f in table["schema"]["fields"]] == spec.field_names
    # The validation is not a formality: a file that does not match its declared hash fails it.
    table["hash"] = "sha256:" + "0" * 64
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert not Package(str(folder / "datapackage.json")).validate().valid


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dcat_ap_metadata_is_json_ld_with_the_mandatory_properties(
    city: dict[str, Enterprise], office: User, client_for: Callable[[User | None], Client]
) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDF

    release_publish(dataset="indicators", acting_user=office)
    release_publish(dataset="policy-package", acting_user=office)
    client = client_for(None)
    response = client.get("/open-data/catalogue.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.content.decode(), format="json-ld")
    catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalogue, prop) is not None, prop
    titles = {(t.language, str(t)) for t in graph.objects(catalogue, DCTERMS.title) if isinstance(t, Literal)}
    assert {str(lang).lower() for lang, _t in titles} == {"zh-hans", "en"}
    found = list(graph.objects(catalogue, DCAT.dataset))
    assert len(found) == len(datasets())
    for node in found:
        for prop in (DCTERMS.title, DCTERMS.description, DCAT.contactPoint, DCTERMS.publisher, DCAT.theme):
            assert graph.value(node, prop) is not None, (node, prop)
    indicators = URIRef("http://127.0.0.1:8000/open-data/indicators/")
    distributions = list(graph.objects(indicators, DCAT.distribution))
    assert len(distributions) == 3
    for d in distributions:
        assert graph.value(d, DCAT.accessURL) is not None and graph.value(d, DCTERMS.license) is not None
        assert graph.value(d, DCAT.downloadURL) is not None and graph.value(d, DCTERMS["format"]) is not None
    assert len(list(graph.objects(indicators, DCTERMS.hasVersion))) == 1
    # The dataset's own document and a release's document parse too.
    Graph().parse(data=client.get("/open-data/indicators/dataset.jsonld").content.decode(), format="json-ld")
    one = Graph().parse(data=client.get("/open-data/indicators/v1/dataset.jsonld").content.decode(), format="json-ld")
    assert len(list(one.subjects(RDF.type, DCAT.Distribution))) == 3


def test_pages_are_public_and_show_the_releases(
    city: dict[str, Enterprise], office: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(None)
    assert "No release published yet" in client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    release_publish(dataset="awards", acting_user=office)
    page = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/open-data/awards/v1.csv" in page  # the cache was invalidated by the release
    detail = client.get("/open-data/awards/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "获奖" in detail or "公示" in detail
    assert "/open-data/awards/v1/datapackage.json" in detail


def test_policy_package_json_carries_the_package(office: User, client_for: Callable[[User | None], Client]) -> None:
    release = release_publish(dataset="policy-package", acting_user=office)
    body = json.loads(client_for(None).get("/open-data/policy-package/v1.json").content)
    assert body["document"]["rules"] and body["document"]["parameters"]
    assert {r["parameter"] for r in body["rows"]} and all(r["effective_from"] for r in body["rows"])
    assert release.row_count == len(body["rows"])
