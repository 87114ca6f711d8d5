"""Reads for open data: the catalogue (every dataset with its latest release) and a dataset's releases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from waibao.opendata.catalogue import DatasetSpec, datasets
from waibao.opendata.models import Release, ReleaseFile


def releases_of(dataset: str) -> QuerySet[Release]:
    """A dataset's releases, newest first, without their rows (the pages list them)."""
    return Release.objects.filter(dataset=dataset).defer("rows", "document").order_by("-version")


def files_of(releases: list[Release]) -> dict[int, dict[str, ReleaseFile]]:
    """Release id → format → file (without the bytes)."""
    out: dict[int, dict[str, ReleaseFile]] = {}
    for f in ReleaseFile.objects.filter(release__in=releases).defer("content").order_by("format"):
        out.setdefault(f.release_id, {})[f.format] = f
    return out


@dataclass
class CatalogueEntry:
    spec: DatasetSpec
    latest: Release | None
    releases: int


def catalogue() -> list[CatalogueEntry]:
    specs = datasets()
    latest: dict[str, Release] = {}
    counts: dict[str, int] = {}
    for r in Release.objects.defer("rows", "document").order_by("dataset", "-version"):
        latest.setdefault(r.dataset, r)
        counts[r.dataset] = counts.get(r.dataset, 0) + 1
    return [CatalogueEntry(spec=s, latest=latest.get(s.code), releases=counts.get(s.code, 0)) for s in specs]
