"""The counting rules of the investment-promotion pipeline, read from the data set's promotion.yaml."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from waibao.common.dataset import DatasetError, read_yaml
from waibao.promotion.models import STAGE_ORDER

EVIDENCE_KINDS = ("execution", "staffing_report")
INCREASE_RULES = ("increase", "total")


@dataclass(frozen=True)
class Pipeline:
    code: str
    name_zh: str
    name_en: str


DEFAULT_PIPELINE = Pipeline("service-outsourcing", "服务外包招商", "Service-outsourcing investment")


@dataclass(frozen=True)
class CountingRules:
    valid_from: datetime.date
    is_default: bool
    capital_increase: str  # increase | total
    operating_records: tuple[str, ...]
    operating_minimum: int
    probability: dict[str, int]
    next_action_max_working_days: int
    pipelines: tuple[Pipeline, ...] = (DEFAULT_PIPELINE,)

    def pipeline(self, code: str) -> Pipeline | None:
        return next((p for p in self.pipelines if p.code == code), None)


def _pipelines(value: Any, where: str) -> tuple[Pipeline, ...]:
    if value is None:
        return (DEFAULT_PIPELINE,)
    if not isinstance(value, list) or not value:
        raise DatasetError(f"{where}: pipelines must be a non-empty list")
    found: list[Pipeline] = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or not all(
            str(entry.get(k) or "").strip() for k in ("code", "name_zh", "name_en")
        ):
            raise DatasetError(f"{where}: pipelines[{i}] needs code, name_zh and name_en")
        code = str(entry["code"])
        if len(code) > 32 or any(p.code == code for p in found):
            raise DatasetError(f"{where}: pipelines[{i}]: code {code!r} is too long or listed twice")
        found.append(Pipeline(code, str(entry["name_zh"]), str(entry["name_en"])))
    return tuple(found)


_cache: dict[tuple[str, float], CountingRules] = {}


def parse_rules(doc: Any, where: str) -> CountingRules:
    if not isinstance(doc, dict):
        raise DatasetError(f"{where}: expected a mapping")
    counting = doc.get("counting") or {}
    if counting.get("count_at", "first_signing") != "first_signing":
        raise DatasetError(f"{where}: counting.count_at: only 'first_signing' is supported")
    increase = counting.get("capital_increase", "increase")
    if increase not in INCREASE_RULES:
        raise DatasetError(f"{where}: counting.capital_increase must be one of {list(INCREASE_RULES)}")
    if counting.get("usd_conversion", "rate_on_signing_date") != "rate_on_signing_date":
        raise DatasetError(f"{where}: counting.usd_conversion: only 'rate_on_signing_date' is supported")
    evidence = doc.get("operating_evidence") or {}
    records = evidence.get("records") or list(EVIDENCE_KINDS)
    if not isinstance(records, list) or not records or any(r not in EVIDENCE_KINDS for r in records):
        raise DatasetError(f"{where}: operating_evidence.records must list some of {list(EVIDENCE_KINDS)}")
    minimum = evidence.get("minimum", 1)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise DatasetError(f"{where}: operating_evidence.minimum must be a whole number ≥ 1")
    probability = doc.get("probability") or {}
    if not isinstance(probability, dict) or set(probability) - set(STAGE_ORDER):
        raise DatasetError(f"{where}: probability: stages must be among {STAGE_ORDER}")
    for stage, value in probability.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise DatasetError(f"{where}: probability.{stage} must be a whole per cent 0–100")
    max_days = doc.get("next_action_max_working_days", 120)
    if isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 1:
        raise DatasetError(f"{where}: next_action_max_working_days must be a whole number ≥ 1")
    valid_from = doc.get("valid_from", datetime.date(2007, 1, 1))
    if not isinstance(valid_from, datetime.date):
        raise DatasetError(f"{where}: valid_from must be a date (YYYY-MM-DD)")
    return CountingRules(
        valid_from=valid_from,
        is_default=bool(doc.get("default", False)),
        capital_increase=increase,
        operating_records=tuple(records),
        operating_minimum=minimum,
        probability={s: int(probability.get(s, 0)) for s in STAGE_ORDER},
        next_action_max_working_days=max_days,
        pipelines=_pipelines(doc.get("pipelines"), where),
    )


def counting_rules(folder: Path | None = None) -> CountingRules:
    """The rules of the data set (re-read when the file changes); the built-in default when there is no file."""
    folder = folder or Path(settings.WAIBAO_DEFAULT_DATASET)
    path = folder / "promotion.yaml"
    stamp = path.stat().st_mtime if path.exists() else 0.0
    key = (str(path), stamp)
    if key not in _cache:
        doc = read_yaml(folder, "promotion.yaml", required=False)
        _cache[key] = parse_rules(doc if doc is not None else {"default": True}, str(path))
    return _cache[key]
