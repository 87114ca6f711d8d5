"""Reading a city's data set (a folder of YAML files) with errors that name the file and the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from waibao.common.errors import DomainError


class DatasetError(DomainError):
    pass


def read_yaml(folder: Path, name: str, *, required: bool = True) -> Any:
    path = folder / name
    if not path.exists():
        if required:
            raise DatasetError(f"{path}: file missing")
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path}: not valid YAML: {exc}") from exc


def need(entry: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(entry, dict) or entry.get(key) in (None, ""):
        raise DatasetError(f"{where}: '{key}' is required")
    return entry[key]
