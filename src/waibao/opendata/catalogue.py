"""The catalogue of datasets: each one a `DatasetSpec` (what it is, its fields, the function that builds it).

Builders are code registered as data. The built-in ones (`datasets.py`) cover statistics, the HZ-2 goal,
awards and the policy package. Another area adds its own dataset from its AppConfig.ready():

    from waibao.opendata.catalogue import DatasetSpec, Field, Built, register_dataset
    register_dataset(DatasetSpec(code="case-handling", title=_("…"), description=_("…"),
                                 fields=(Field("year", "integer", _("Year")), …), build=case_handling_rows))

`build()` returns only what the public may see: aggregated, disclosure-controlled figures or facts that are
public by nature, never one enterprise's statistics nor a person's identifiers (`tests/opendata` checks
every registered dataset for both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from waibao.common.errors import NotFoundError

# Frictionless Table Schema field types used by the datasets.
FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "year")


@dataclass(frozen=True)
class Field:
    """One column: its machine name (stable across releases), type, and bilingual title/description (lazy)."""

    name: str
    type: str
    title: Any
    description: Any = ""

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type}")


@dataclass(frozen=True)
class Built:
    """What a builder returns: the rows (dicts keyed by field name) and, optionally, a JSON document that the
    JSON download carries beside them (the policy package itself)."""

    rows: list[dict[str, Any]]
    document: dict[str, Any] | None = None
    temporal: tuple[str, str] | None = None  # first and last date the rows cover (ISO)


@dataclass(frozen=True)
class DatasetSpec:
    code: str  # slug in URLs and file names
    title: Any
    description: Any
    fields: tuple[Field, ...]
    build: Callable[[], Built]
    keywords: tuple[Any, ...] = ()
    theme: str = "ECON"  # EU data-theme vocabulary (DCAT-AP)
    frequency: str = "ANNUAL"  # EU frequency vocabulary (DCAT-AP)
    primary_key: tuple[str, ...] = ()
    source_note: Any = ""  # where the figures come from and what is withheld
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


_DATASETS: dict[str, DatasetSpec] = {}


def register_dataset(spec: DatasetSpec) -> None:
    _DATASETS[spec.code] = spec


def datasets() -> list[DatasetSpec]:
    return sorted(_DATASETS.values(), key=lambda s: (s.order, s.code))


def dataset_spec(code: str) -> DatasetSpec:
    try:
        return _DATASETS[code]
    except KeyError:
        raise NotFoundError(_("There is no such dataset.")) from None


def dataset_title(code: str) -> str | None:
    """A dataset's title in the active language (the label lookup's resolver for dataset codes)."""
    spec = _DATASETS.get(code)
    return str(spec.title) if spec else None
