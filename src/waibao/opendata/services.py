"""Every write to open data: publishing a release (and nothing else: a release is never changed or deleted).

`release_publish` builds the dataset, refuses a release whose content equals the latest one (409), numbers
it, writes its rows and files with their hashes, audits it and invalidates the public pages, in one
transaction. `release_verify` recomputes the hashes (the downloads and `waibao opendata verify` use it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waibao.accounts.models import User
from waibao.audit.services import audit_record
from waibao.common import public_cache
from waibao.common.errors import DomainError
from waibao.opendata.access import require_publisher
from waibao.opendata.catalogue import DatasetSpec, dataset_spec
from waibao.opendata.conf import OPENDATA_AREA
from waibao.opendata.datasets import both
from waibao.opendata.formats import build_files, content_hash, sha256
from waibao.opendata.models import Release, ReleaseFile


class ReleaseConflictError(DomainError):
    status_code = 409


class ReleaseIntegrityError(DomainError):
    """A stored release no longer matches its hash: it is not served."""

    status_code = 409


def field_snapshot(spec: DatasetSpec) -> list[dict[str, Any]]:
    out = []
    for f in spec.fields:
        title_zh, title_en = both(f.title)
        description_zh, description_en = both(f.description) if f.description else ("", "")
        out.append(
            {
                "name": f.name,
                "type": f.type,
                "title_zh": title_zh,
                "title_en": title_en,
                "description_zh": description_zh,
                "description_en": description_en,
            }
        )
    return out


def _rows(spec: DatasetSpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with exactly the declared fields, in order (a builder that adds a column is a bug, refused)."""
    names = spec.field_names
    out = []
    for n, row in enumerate(rows, start=1):
        extra = set(row) - set(names)
        if extra:
            raise ValueError(f"dataset {spec.code}, row {n}: undeclared fields {sorted(extra)}")
        out.append({name: row.get(name) for name in names})
    return out


def release_publish(*, dataset: str, acting_user: User | None, today: date | None = None) -> Release:
    """Publish the next release of `dataset` (the office, or the command line with no user)."""
    if acting_user is not None:
        require_publisher(acting_user)
    spec = dataset_spec(dataset)
    built = spec.build()
    fields = field_snapshot(spec)
    rows = _rows(spec, built.rows)
    digest = content_hash(dataset=spec.code, fields=fields, rows=rows, document=built.document)
    title_zh, title_en = both(spec.title)
    description_zh, description_en = both(spec.description)
    with transaction.atomic():
        latest = Release.objects.select_for_update().filter(dataset=spec.code).order_by("-version").first()
        if latest is not None and latest.content_sha256 == digest:
            raise ReleaseConflictError(
                _("Nothing has changed since version %(version)d (%(date)s): no new release was made.")
                % {"version": latest.version, "date": latest.released_on.isoformat()},
                code="unchanged",
            )
        now = timezone.now()
        release = Release.objects.create(
            dataset=spec.code,
            version=(latest.version + 1) if latest else 1,
            released_on=today or timezone.localdate(),
            released_at=now,
            released_by=acting_user,
            title_zh=title_zh,
            title_en=title_en,
            description_zh=description_zh,
            description_en=description_en,
            fields=fields,
            rows=rows,
            document=built.document,
            temporal=list(built.temporal) if built.temporal else None,
            row_count=len(rows),
            content_sha256=digest,
        )
        ReleaseFile.objects.bulk_create(
            ReleaseFile(release=release, format=fmt, content=data, size=len(data), sha256=sha256(data))
            for fmt, data in build_files(release).items()
        )
        audit_record(
            actor=acting_user,
            action="opendata.released",
            obj=release,
            summary=f"{spec.code} v{release.version} ({len(rows)} rows)",
            data={"content_sha256": digest},
        )
        public_cache.changed(OPENDATA_AREA)
    return release


def release_problems(release: Release) -> list[str]:
    """What no longer matches in a stored release: its content hash, each file's hash and size."""
    full = Release.objects.get(pk=release.pk)
    problems = []
    if content_hash(dataset=full.dataset, fields=full.fields, rows=full.rows, document=full.document) != (
        full.content_sha256
    ):
        problems.append(f"{full}: content does not match its hash")
    if len(full.rows) != full.row_count:
        problems.append(f"{full}: row count does not match")
    for stored in ReleaseFile.objects.filter(release=full):
        data = bytes(stored.content)
        if sha256(data) != stored.sha256 or len(data) != stored.size:
            problems.append(f"{full}.{stored.format}: file does not match its hash")
    return problems


def file_content(stored: ReleaseFile) -> bytes:
    """A release file's bytes, checked against its stored hash (a file that fails is never served)."""
    data = bytes(stored.content)
    if sha256(data) != stored.sha256:
        raise ReleaseIntegrityError(
            _("This file no longer matches the hash it was published with, so it is not served."),
            code="release_integrity",
        )
    return data
