"""A method applied to a snapshot: the eligible rows scored, ranked and tested for stability (NumPy)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from waibao.topten import scoring
from waibao.topten.method import Method


@dataclass(frozen=True)
class Result:
    enterprise_id: int
    rank: int
    total: float
    scores: dict[str, float]
    rank_min: int | None = None
    rank_max: int | None = None
    top_share: float | None = None
    weight_dependent: bool = False


def matrix(method: Method, inputs: Sequence[Mapping[str, Any]]) -> np.ndarray:
    return np.array([[float(row[name]) for name in method.indicators] for row in inputs], dtype=np.float64).reshape(
        len(inputs), len(method.indicators)
    )


def compute(
    method: Method, ids: Sequence[int], inputs: Sequence[Mapping[str, Any]], *, with_sensitivity: bool = True
) -> list[Result]:
    """Rank the rows (eligible enterprises only: eligibility is decided before) and, if asked, their rank range
    over the method's weight draws. Results in rank order."""
    if not ids:
        return []
    values = matrix(method, inputs)
    id_array = np.asarray(ids, dtype=np.int64)
    tie_keys = [values[:, method.indicators.index(name)] for name in method.tie_breaks]
    ranking = scoring.rank(
        values,
        method=method.normalisation,
        indicator_weights=method.indicator_weights,
        criterion_of=method.criterion_of,
        criterion_weights=method.criterion_weights,
        tie_keys=tie_keys,
        ids=id_array,
    )
    order = np.argsort(ranking.rank, kind="stable")
    sens = None
    if with_sensitivity:
        sens = scoring.sensitivity(
            ranking.scores,
            order,
            criterion_weights=method.criterion_weights,
            size=method.size,
            perturbation=method.perturbation,
            draws=method.draws,
            seed=method.seed,
        )
    results = []
    for i in order.tolist():
        results.append(
            Result(
                enterprise_id=int(id_array[i]),
                rank=int(ranking.rank[i]),
                total=round(float(ranking.totals[i]), scoring.DECIMALS),
                scores={c: round(float(ranking.scores[i, k]), scoring.DECIMALS) for k, c in enumerate(method.criteria)},
                rank_min=int(sens.rank_min[i]) if sens is not None else None,
                rank_max=int(sens.rank_max[i]) if sens is not None else None,
                top_share=float(sens.top_share[i]) if sens is not None else None,
                weight_dependent=bool(sens.weight_dependent[i]) if sens is not None else False,
            )
        )
    return results
