"""A release's files (CSV, XLSX, JSON), its content hash, and its metadata: the Frictionless data-package
descriptor and DCAT-AP (JSON-LD) for the dataset and the catalogue.

Files are written once, when the release is made, and stored with their SHA-256. Metadata is drawn when it
is asked for (it names the site's URLs and the current licence contact), from the release's own snapshot.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from waibao.common.tabular import neutralise, xlsx_bytes
from waibao.opendata.conf import CATALOGUE_DESCRIPTION, CATALOGUE_TITLE, PUBLISHER, contact_email, licence

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
    "adms": "http://www.w3.org/ns/adms#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPES = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON"}


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(*, dataset: str, fields: list[dict[str, Any]], rows: list[dict[str, Any]], document: Any) -> str:
    """The hash of what a release says (not when): equal content, equal hash."""
    return sha256(canonical({"dataset": dataset, "fields": fields, "rows": rows, "document": document}))


# --- files --------------------------------------------------------------------------------------------


def _csv_cell(field_type: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if field_type == "string":
        return str(neutralise(str(value)))
    return str(value)


def csv_bytes(fields: list[dict[str, Any]], rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in fields])
    for row in rows:
        writer.writerow([_csv_cell(f["type"], row.get(f["name"])) for f in fields])
    return buffer.getvalue().encode("utf-8")


def _xlsx_cell(field_type: str, value: Any) -> Any:
    if value is None:
        return None
    if field_type == "number":
        return Decimal(str(value))
    return value


def xlsx_file(fields: list[dict[str, Any]], rows: Iterable[dict[str, Any]]) -> bytes:
    """Sheet "data": one column per field (named by its machine name); sheet "fields": what each column is,
    in both languages."""
    data = ([_xlsx_cell(f["type"], row.get(f["name"])) for f in fields] for row in rows)
    described = (
        [f["name"], f["type"], f["title_zh"], f["title_en"], f["description_zh"], f["description_en"]] for f in fields
    )
    return xlsx_bytes(
        [
            ("data", [f["name"] for f in fields], data),
            ("fields", ["name", "type", "title_zh", "title_en", "description_zh", "description_en"], described),
        ]
    )


def json_file(release: Any) -> bytes:
    lic = licence()
    body = {
        "dataset": release.dataset,
        "version": release.version,
        "released_on": release.released_on.isoformat(),
        "title": {"zh": release.title_zh, "en": release.title_en},
        "description": {"zh": release.description_zh, "en": release.description_en},
        "licence": {"name": lic.name, "url": lic.url},
        "content_sha256": release.content_sha256,
        "fields": release.fields,
        "rows": release.rows,
    }
    if release.document is not None:
        body["document"] = release.document
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def build_files(release: Any) -> dict[str, bytes]:
    return {
        "csv": csv_bytes(release.fields, release.rows),
        "xlsx": xlsx_file(release.fields, release.rows),
        "json": json_file(release),
    }


# --- Frictionless data package ------------------------------------------------------------------------


def datapackage(release: Any, files: dict[str, Any], *, paths: dict[str, str], primary_key: Iterable[str] = ()) -> dict:
    """The Frictionless (Data Package v1) descriptor of a release: the CSV as a tabular resource with its
    Table Schema, the XLSX and JSON as further resources. `paths` maps format → URL or relative path."""
    lic = licence()
    schema: dict[str, Any] = {
        "fields": [
            {
                "name": f["name"],
                "type": f["type"],
                "title": f["title_en"] or f["title_zh"],
                "description": " / ".join(x for x in (f["description_zh"], f["description_en"]) if x),
            }
            for f in release.fields
        ],
        "missingValues": [""],
    }
    if primary_key:
        schema["primaryKey"] = list(primary_key)
    resources: list[dict[str, Any]] = []
    for fmt in ("csv", "xlsx", "json"):
        stored = files.get(fmt)
        if stored is None:
            continue
        resource: dict[str, Any] = {
            "name": f"{release.dataset}-{fmt}",
            "path": paths[fmt],
            "format": fmt,
            "mediatype": {"csv": "text/csv", "xlsx": IANA_XLSX, "json": "application/json"}[fmt],
            "bytes": stored.size,
            "hash": f"sha256:{stored.sha256}",
        }
        if fmt == "csv":
            resource.update(
                {"type": "table", "profile": "tabular-data-resource", "encoding": "utf-8", "schema": schema}
            )
        elif fmt == "xlsx":
            resource.update(
                {"type": "table", "profile": "tabular-data-resource", "dialect": {"sheet": "data"}, "schema": schema}
            )
        else:  # the JSON file: the rows with the release's metadata (and, for the policy, the package)
            resource.update({"type": "json", "encoding": "utf-8"})
        resources.append(resource)
    return {
        "profile": "data-package",
        "name": f"waibao-{release.dataset}",
        "title": f"{release.title_zh} / {release.title_en}",
        "description": f"{release.description_zh}\n\n{release.description_en}",
        "version": f"{release.version}.0.0",
        "created": release.released_at.isoformat(),
        "licenses": [{"name": lic.name, "path": lic.url, "title": str(lic.title)}],
        "contributors": [{"title": _both(PUBLISHER), "email": contact_email(), "role": "publisher"}],
        "resources": resources,
    }


IANA_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _both(text: Any) -> str:
    from waibao.opendata.datasets import both

    zh, en = both(text)
    return f"{zh} / {en}"


# --- DCAT-AP ------------------------------------------------------------------------------------------


def _texts(zh: str, en: str) -> list[dict[str, str]]:
    return [{"@value": zh, "@language": "zh-Hans"}, {"@value": en, "@language": "en"}]


def _lazy_texts(text: Any) -> list[dict[str, str]]:
    from waibao.opendata.datasets import both

    return _texts(*both(text))


def _publisher() -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": _lazy_texts(PUBLISHER)}


def _contact() -> dict[str, Any]:
    return {
        "@type": "vcard:Organization",
        "vcard:fn": _lazy_texts(PUBLISHER),
        "vcard:hasEmail": {"@id": f"mailto:{contact_email()}"},
    }


def distribution(release: Any, stored: Any, *, download_url: str, page_url: str) -> dict[str, Any]:
    fmt = stored.format
    return {
        "@id": download_url,
        "@type": "dcat:Distribution",
        "dct:title": _texts(f"{release.title_zh} ({fmt.upper()})", f"{release.title_en} ({fmt.upper()})"),
        "dcat:accessURL": {"@id": page_url},
        "dcat:downloadURL": {"@id": download_url},
        "dct:format": {"@id": EU_FILE_TYPE + FILE_TYPES[fmt]},
        "dcat:mediaType": {"@id": IANA + stored.media_type},
        "dct:license": {"@id": licence().url},
        "dcat:byteSize": {"@value": str(stored.size), "@type": "xsd:nonNegativeInteger"},
        "dct:issued": {"@value": release.released_on.isoformat(), "@type": "xsd:date"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": stored.sha256, "@type": "xsd:hexBinary"},
        },
    }


def dcat_dataset(
    spec: Any,
    releases: list[Any],
    *,
    dataset_url: str,
    distributions: list[dict[str, Any]],
    version_urls: list[str],
) -> dict[str, Any]:
    """A dcat:Dataset for `spec`; its distributions are the latest release's files, every release is a
    version (dct:hasVersion) with its own URL."""
    from waibao.opendata.datasets import both

    latest = releases[0] if releases else None
    node: dict[str, Any] = {
        "@id": dataset_url,
        "@type": "dcat:Dataset",
        "dct:identifier": spec.code,
        "dct:title": _lazy_texts(spec.title),
        "dct:description": _lazy_texts(spec.description),
        "dcat:keyword": [t for k in spec.keywords for t in _texts(*both(k))],
        "dcat:theme": {"@id": EU_THEME + spec.theme},
        "dct:accrualPeriodicity": {"@id": EU_FREQUENCY + spec.frequency},
        "dct:language": [{"@id": EU_LANGUAGE + "ZHO"}, {"@id": EU_LANGUAGE + "ENG"}],
        "dct:publisher": _publisher(),
        "dcat:contactPoint": _contact(),
        "dcat:landingPage": {"@id": dataset_url},
        "dct:license": {"@id": licence().url},
        "dcat:distribution": distributions,
        "dct:hasVersion": [{"@id": url} for url in version_urls],
    }
    if latest is not None:
        node["dct:issued"] = {"@value": releases[-1].released_on.isoformat(), "@type": "xsd:date"}
        node["dct:modified"] = {"@value": latest.released_on.isoformat(), "@type": "xsd:date"}
        node["dcat:version"] = str(latest.version)
        node["owl:versionInfo"] = str(latest.version)
        if latest.temporal:
            node["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": latest.temporal[0], "@type": "xsd:date"},
                "dcat:endDate": {"@value": latest.temporal[1], "@type": "xsd:date"},
            }
    return node


def dcat_catalogue(*, catalogue_url: str, homepage: str, datasets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@id": catalogue_url,
        "@type": "dcat:Catalog",
        "dct:title": _lazy_texts(CATALOGUE_TITLE),
        "dct:description": _lazy_texts(CATALOGUE_DESCRIPTION),
        "dct:publisher": _publisher(),
        "foaf:homepage": {"@id": homepage},
        "dct:license": {"@id": licence().url},
        "dct:language": [{"@id": EU_LANGUAGE + "ZHO"}, {"@id": EU_LANGUAGE + "ENG"}],
        "dcat:dataset": datasets,
    }
