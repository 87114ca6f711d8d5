"""Loading the selection methods from a data set (topten.yaml), checked before anything is written."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from waibao.common.dataset import DatasetError, need, read_yaml
from waibao.topten.method import MethodError, parse_method
from waibao.topten.models import SelectionMethod


def _plain(value: Any) -> Any:
    """The YAML document as JSON (dates as ISO strings)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, datetime.date) else str(v)))


def load_topten_dataset(folder: Path) -> dict[str, int]:
    path = folder / "topten.yaml"
    doc = read_yaml(folder, "topten.yaml", required=False)
    if doc is None:
        return {"selection_methods": SelectionMethod.objects.count()}
    if not isinstance(doc, dict) or not isinstance(doc.get("methods"), list):
        raise DatasetError(f"{path}: expected a mapping with a 'methods' list")
    for i, entry in enumerate(doc["methods"]):
        where = f"{path}: methods[{i}]"
        code = str(need(entry, "code", where))
        valid_from = need(entry, "from", where)
        if not isinstance(valid_from, datetime.date):
            raise DatasetError(f"{where}: 'from' must be a date (YYYY-MM-DD)")
        try:
            parse_method(_plain(entry))
        except MethodError as exc:
            raise DatasetError(f"{where} ({code}): {exc}") from None
        SelectionMethod.objects.update_or_create(
            code=code,
            defaults={"valid_from": valid_from, "is_default": bool(entry.get("default")), "document": _plain(entry)},
        )
    return {"selection_methods": SelectionMethod.objects.count()}
