"""Policy endpoints (public, mounted at /api/v1/policy): the package, its rules and its dated parameters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from waibao.api.common import ERRORS
from waibao.common.errors import NotFoundError
from waibao.common.labels import label

router = Router(tags=["policy"])


class TextOut(Schema):
    zh: str
    en: str


class PackageOut(Schema):
    id: str
    version: str
    title: TextOut
    issuer: TextOut
    effective_from: date


class RuleOut(Schema):
    id: str
    article: str
    title: TextOut
    kind: str
    kind_label: str
    basis: str
    fund: str
    parameters: list[str]


class ParameterValueOut(Schema):
    effective_from: date
    value: Any
    article: str
    citation: str


class ParameterOut(Schema):
    id: str
    type: str
    unit: str
    title: TextOut
    in_force: ParameterValueOut | None
    values: list[ParameterValueOut]


def _package() -> Any:
    from waibao.policy.engine import default_package

    return default_package()


def _value(v: Any) -> dict[str, Any]:
    from waibao.opendata.datasets import _jsonable

    return {
        "effective_from": v.effective_from,
        "value": _jsonable(v.value),
        "article": v.citation.article,
        "citation": v.citation.text,
    }


@router.get("/package", response={200: PackageOut, **ERRORS}, auth=None)
def package(request: HttpRequest) -> dict[str, Any]:
    p = _package()
    return {
        "id": p.id,
        "version": p.version,
        "title": p.title.to_dict(),
        "issuer": p.issuer.to_dict(),
        "effective_from": p.effective_from,
    }


@router.get("/rules", response={200: list[RuleOut], **ERRORS}, auth=None)
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "article": r.article,
            "title": r.title.to_dict(),
            "kind": r.kind,
            "kind_label": label("reward_kind", r.kind),
            "basis": r.basis,
            "fund": r.fund,
            "parameters": list(r.parameter_ids),
        }
        for r in _package().rules
    ]


@router.get("/parameters", response={200: list[ParameterOut], **ERRORS}, auth=None)
def parameters(request: HttpRequest, as_of: date | None = None) -> list[dict[str, Any]]:
    """Every parameter with its dated values and the one in force on `as_of` (today by default)."""
    from waibao.common.dates import date_window

    day = as_of or timezone.localdate()
    date_window().check(day, field="as_of")
    out = []
    for pid, p in _package().parameters.items():
        now = p.value_at(day)
        out.append(
            {
                "id": pid,
                "type": p.type,
                "unit": p.unit,
                "title": p.title.to_dict(),
                "in_force": _value(now) if now else None,
                "values": [_value(v) for v in p.values],
            }
        )
    return out


@router.get("/rules/{rule_id}", response={200: RuleOut, **ERRORS}, auth=None)
def rule(request: HttpRequest, rule_id: str) -> dict[str, Any]:
    for r in rules(request):
        if r["id"] == rule_id:
            return r
    raise NotFoundError()
