"""Open-data pages: the catalogue, a dataset with its releases, the downloads and the metadata (DCAT-AP
JSON-LD, Frictionless descriptor). Public and cached (`common.public_cache`, area "opendata"); the office
also sees the button that queues a new release."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from waibao.accounts.access import current_user
from waibao.common import public_cache
from waibao.common.errors import NotFoundError
from waibao.jobs.services import job_submit
from waibao.opendata import selectors
from waibao.opendata.access import access_release, can_publish, require_publisher
from waibao.opendata.catalogue import dataset_spec
from waibao.opendata.conf import OPENDATA_AREA, PUBLISHER, contact_email, licence, site_url
from waibao.opendata.formats import datapackage, dcat_catalogue, dcat_dataset, distribution
from waibao.opendata.jobs import RELEASE_JOB
from waibao.opendata.models import FileFormat, ReleaseFile
from waibao.opendata.services import file_content

JSONLD = "application/ld+json"


def _absolute(path: str) -> str:
    return site_url() + path


def _download_path(dataset: str, version: int, fmt: str) -> str:
    return reverse("opendata:download", args=[dataset, version, fmt])


def _catalogue_data() -> list[dict[str, Any]]:
    return [
        {
            "code": e.spec.code,
            "title": str(e.spec.title),
            "description": str(e.spec.description),
            "releases": e.releases,
            "latest": (
                {"version": e.latest.version, "released_on": e.latest.released_on, "rows": e.latest.row_count}
                if e.latest
                else None
            ),
        }
        for e in selectors.catalogue()
    ]


@require_GET
@public_cache.public_page(OPENDATA_AREA)
def catalogue(request: HttpRequest) -> HttpResponse:
    entries = public_cache.cached("opendata-catalogue", areas=(OPENDATA_AREA,), compute=_catalogue_data)
    return render(
        request,
        "opendata/catalogue.html",
        {
            "entries": entries,
            "publisher": PUBLISHER,
            "licence": licence(),
            "contact": contact_email(),
            "can_publish": can_publish(request.user),
        },
    )


def _dataset_data(code: str) -> dict[str, Any]:
    spec = dataset_spec(code)
    releases = list(selectors.releases_of(code))
    files = selectors.files_of(releases)
    return {
        "code": spec.code,
        "title": str(spec.title),
        "description": str(spec.description),
        "source_note": str(spec.source_note),
        "fields": [
            {"name": f.name, "type": f.type, "title": str(f.title), "description": str(f.description)}
            for f in spec.fields
        ],
        "releases": [
            {
                "version": r.version,
                "released_on": r.released_on,
                "rows": r.row_count,
                "sha256": r.content_sha256,
                "files": [
                    {"format": f.format, "size": f.size, "sha256": f.sha256} for f in files.get(r.pk, {}).values()
                ],
            }
            for r in releases
        ],
    }


@require_GET
def dataset(request: HttpRequest, code: str) -> HttpResponse:
    data = public_cache.cached(
        "opendata-dataset", areas=(OPENDATA_AREA,), params=code, compute=lambda: _dataset_data(code)
    )
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": data,
            "licence": licence(),
            "contact": contact_email(),
            "publisher": PUBLISHER,
            "can_publish": can_publish(request.user),
        },
    )


@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    """The office queues a new release; the job page follows it."""
    user = require_publisher(current_user(request) if request.user.is_authenticated else request.user)
    spec = dataset_spec(code)
    job = job_submit(acting_user=user, kind=RELEASE_JOB, options={"dataset": spec.code})
    return redirect("jobs:detail", job.pk)


def _file(dataset_code: str, version: int, fmt: str) -> ReleaseFile:
    if fmt not in FileFormat.values:
        raise NotFoundError()
    release = access_release(None, dataset_code, version)
    stored = ReleaseFile.objects.filter(release=release, format=fmt).first()
    if stored is None:
        raise NotFoundError()
    stored.release = release
    return stored


@require_GET
def download(request: HttpRequest, code: str, version: int, fmt: str) -> HttpResponse:
    stored = _file(code, version, fmt)
    data = file_content(stored)
    content_type = stored.media_type + ("; charset=utf-8" if fmt in ("csv", "json") else "")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response["Digest"] = f"sha-256={stored.sha256}"
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # a release never changes
    return response


def _package(code: str, version: int) -> dict[str, Any]:
    spec = dataset_spec(code)
    release = access_release(None, code, version)
    files = selectors.files_of([release]).get(release.pk, {})
    paths = {fmt: _absolute(_download_path(code, version, fmt)) for fmt in files}
    return datapackage(release, files, paths=paths, primary_key=spec.primary_key)


@require_GET
def package_descriptor(request: HttpRequest, code: str, version: int) -> HttpResponse:
    body = public_cache.cached(
        "opendata-datapackage", areas=(OPENDATA_AREA,), params=(code, version), compute=lambda: _package(code, version)
    )
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})


def _dataset_node(code: str) -> dict[str, Any]:
    spec = dataset_spec(code)
    releases = list(selectors.releases_of(code))
    files = selectors.files_of(releases[:1])
    page = _absolute(reverse("opendata:dataset", args=[code]))
    distributions = []
    if releases:
        latest = releases[0]
        for fmt, stored in files.get(latest.pk, {}).items():
            stored.release = latest
            distributions.append(
                distribution(
                    latest, stored, download_url=_absolute(_download_path(code, latest.version, fmt)), page_url=page
                )
            )
    versions = [_absolute(reverse("opendata:release_jsonld", args=[code, r.version])) for r in releases]
    return dcat_dataset(spec, releases, dataset_url=page, distributions=distributions, version_urls=versions)


def _jsonld(body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type=f"{JSONLD}; charset=utf-8")


@require_GET
@public_cache.public_page(OPENDATA_AREA)
def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    def compute() -> dict[str, Any]:
        from waibao.opendata.catalogue import datasets

        return dcat_catalogue(
            catalogue_url=_absolute(reverse("opendata:catalogue_jsonld")),
            homepage=_absolute(reverse("opendata:catalogue")),
            datasets=[_dataset_node(s.code) for s in datasets()],
        )

    return _jsonld(public_cache.cached("opendata-dcat-catalogue", areas=(OPENDATA_AREA,), compute=compute))


@require_GET
def dataset_jsonld(request: HttpRequest, code: str) -> HttpResponse:
    from waibao.opendata.formats import CONTEXT

    def compute() -> dict[str, Any]:
        return {"@context": CONTEXT, **_dataset_node(code)}

    return _jsonld(public_cache.cached("opendata-dcat-dataset", areas=(OPENDATA_AREA,), params=code, compute=compute))


@require_GET
def release_jsonld(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """One release as a dcat:Dataset of its own (a version of the dataset), with its three files."""
    from waibao.opendata.formats import CONTEXT

    def compute() -> dict[str, Any]:
        spec = dataset_spec(code)
        release = access_release(None, code, version)
        page = _absolute(reverse("opendata:dataset", args=[code]))
        distributions = []
        for fmt, stored in selectors.files_of([release]).get(release.pk, {}).items():
            stored.release = release
            distributions.append(
                distribution(release, stored, download_url=_absolute(_download_path(code, version, fmt)), page_url=page)
            )
        node = dcat_dataset(
            spec,
            [release],
            dataset_url=_absolute(reverse("opendata:release_jsonld", args=[code, version])),
            distributions=distributions,
            version_urls=[],
        )
        node.pop("dct:hasVersion")
        node["dct:isVersionOf"] = {"@id": _absolute(reverse("opendata:dataset_jsonld", args=[code]))}
        node["dct:title"] = [
            {"@value": release.title_zh, "@language": "zh-Hans"},
            {"@value": release.title_en, "@language": "en"},
        ]
        return {"@context": CONTEXT, **node}

    return _jsonld(
        public_cache.cached("opendata-dcat-release", areas=(OPENDATA_AREA,), params=(code, version), compute=compute)
    )
