"""Reads for the top-ten pages: a run's ranking, its reviewed list, the published lists, and re-computing a run
from its stored snapshot (to show the ranks are reproducible)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from waibao.topten.compute import compute
from waibao.topten.method import Method, parse_method
from waibao.topten.models import DecisionKind, ListEntry, RunEntry, RunStatus, SelectionRun


def method_of(run: SelectionRun) -> Method:
    return parse_method(run.parameters)


def ranked_entries(run: SelectionRun) -> QuerySet[RunEntry]:
    return run.entries.filter(eligible=True).order_by("rank")


def ineligible_entries(run: SelectionRun) -> QuerySet[RunEntry]:
    return run.entries.filter(eligible=False).order_by("name_zh", "enterprise_id")


def recompute(run: SelectionRun) -> list[tuple[int, int]]:
    """(enterprise id, rank) from the stored snapshot and parameters, computed again (no sensitivity)."""
    entries = list(ranked_entries(run).only("enterprise_id", "inputs"))
    results = compute(
        method_of(run), [e.enterprise_id for e in entries], [e.inputs for e in entries], with_sensitivity=False
    )
    return [(r.enterprise_id, r.rank) for r in results]


def stored_ranks(run: SelectionRun) -> list[tuple[int, int]]:
    return [(e, int(r or 0)) for e, r in ranked_entries(run).values_list("enterprise_id", "rank")]


@dataclass(frozen=True)
class Place:
    position: int
    entry: RunEntry
    total: float
    scores: dict[str, float]
    inputs: dict[str, Any]
    adjusted: dict[str, str]


def reviewed_ranking(run: SelectionRun) -> list[Place]:
    """The run re-scored with the office's decisions: excluded enterprises left out, adjusted figures used
    (the normalisation is over the remaining eligible enterprises, as in the run)."""
    decisions = list(run.decisions.order_by("decided_at", "pk"))
    excluded = {d.enterprise_id for d in decisions if d.kind == DecisionKind.EXCLUDE}
    adjusted: dict[int, dict[str, str]] = {}
    for d in decisions:
        if d.kind == DecisionKind.ADJUST:
            adjusted.setdefault(d.enterprise_id, {})[d.indicator] = d.value
    entries = [e for e in ranked_entries(run) if e.enterprise_id not in excluded]
    inputs = [{**e.inputs, **adjusted.get(e.enterprise_id, {})} for e in entries]
    by_id = {e.enterprise_id: (e, i) for e, i in zip(entries, inputs, strict=True)}
    results = compute(method_of(run), [e.enterprise_id for e in entries], inputs, with_sensitivity=False)
    return [
        Place(
            position=r.rank,
            entry=by_id[r.enterprise_id][0],
            total=r.total,
            scores=r.scores,
            inputs=by_id[r.enterprise_id][1],
            adjusted=adjusted.get(r.enterprise_id, {}),
        )
        for r in results
    ]


def list_entries(run: SelectionRun) -> QuerySet[ListEntry]:
    return run.list_entries.select_related("application").order_by("position")


def published_lists() -> QuerySet[SelectionRun]:
    return SelectionRun.objects.filter(status=RunStatus.PUBLISHED).order_by("-year")


def runs() -> QuerySet[SelectionRun]:
    return SelectionRun.objects.select_related("method", "created_by").order_by("-year", "-pk")


@dataclass(frozen=True)
class RunLine:
    """A run as the list of runs shows it, read as plain values (not the method's document, not who made it)."""

    pk: int
    year: int
    created_at: datetime.datetime
    method_code: str
    is_default_method: bool
    eligible_count: int
    considered_count: int
    status: str


def run_lines(runs: QuerySet[SelectionRun]) -> list[RunLine]:
    """`runs` (e.g. one page of `runs()`) as the list shows them, in one query."""
    fields = ("pk", "year", "created_at", "method__code", "parameters", "eligible_count", "considered_count", "status")
    return [
        RunLine(pk, year, created_at, code, bool((parameters or {}).get("default")), eligible, considered, status)
        for pk, year, created_at, code, parameters, eligible, considered, status in runs.values_list(*fields)
    ]
