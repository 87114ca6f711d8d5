"""The arithmetic of a top-ten selection (HZ-24), in NumPy: normalise → weight → aggregate → rank → sensitivity.

Pure functions of arrays: no database, no Django. The same inputs always give the same ranks (ties are broken
by the method's tie-break indicators, then by the enterprise id, so no order of rows or of the machine decides).
The composite-indicator practice (JRC/COINr): each indicator is normalised over the eligible enterprises, an
indicator's score within its criterion is weighted, the criteria are weighted into the total, and the stability
of the ranks is tested by drawing the criterion weights within ±`perturbation` of their value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

NORMALISATIONS = ("min_max", "z_score", "rank")
# Totals are rounded before ranking so that sums equal on paper are equal here (floating-point order of
# additions would otherwise decide a tie).
DECIMALS = 9


def normalise(values: Floats, method: str) -> Floats:
    """Each column normalised over the rows: min–max to [0, 1], z-score, or the percentile rank in [0, 1]
    (tied values share their average rank). A column with one distinct value scores 0 for every row."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("values must be a 2-d array (enterprises × indicators)")
    n = x.shape[0]
    if n == 0:
        return x.copy()
    if method == "min_max":
        low = x.min(axis=0)
        span = x.max(axis=0) - low
        safe = np.where(span > 0, span, 1.0)
        return np.where(span > 0, (x - low) / safe, 0.0)
    if method == "z_score":
        mean = x.mean(axis=0)
        std = x.std(axis=0)
        safe = np.where(std > 0, std, 1.0)
        return np.where(std > 0, (x - mean) / safe, 0.0)
    if method == "rank":
        out = np.empty_like(x)
        for j in range(x.shape[1]):
            out[:, j] = _average_rank(x[:, j])
        if n == 1:
            return np.zeros_like(x)
        return out / (n - 1)
    raise ValueError(f"unknown normalisation {method!r}; one of {', '.join(NORMALISATIONS)}")


def _average_rank(column: Floats) -> Floats:
    """0-based ascending ranks, ties sharing the average of their positions."""
    order = np.argsort(column, kind="stable")
    ordered = column[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    average = (starts + ends - 1) / 2.0
    ranks = np.empty(len(column), dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def criterion_scores(normalised: Floats, indicator_weights: Floats, criterion_of: Ints, n_criteria: int) -> Floats:
    """Enterprises × criteria: each criterion's weighted mean of its normalised indicators (weights within a
    criterion are made to add up to 1)."""
    w = np.asarray(indicator_weights, dtype=np.float64)
    sums = np.bincount(criterion_of, weights=w, minlength=n_criteria)
    within = w / np.where(sums[criterion_of] > 0, sums[criterion_of], 1.0)
    membership = np.zeros((len(w), n_criteria), dtype=np.float64)
    membership[np.arange(len(w)), criterion_of] = within
    scores: Floats = normalised @ membership
    return scores


def rank_order(totals: Floats, tie_keys: Sequence[Floats], ids: Ints) -> Ints:
    """Row indices from first to last: highest total, then highest tie-break value in turn, then lowest id."""
    keys: list[npt.NDArray[Any]] = [np.asarray(ids)]
    keys += [-np.asarray(k, dtype=np.float64) for k in reversed(tie_keys)]
    keys.append(-np.round(np.asarray(totals, dtype=np.float64), DECIMALS))
    order: Ints = np.lexsort(keys)
    return order


@dataclass(frozen=True)
class Ranking:
    totals: Floats  # per row
    scores: Floats  # rows × criteria
    rank: Ints  # per row, 1 = first


def rank(
    values: Floats,
    *,
    method: str,
    indicator_weights: Floats,
    criterion_of: Ints,
    criterion_weights: Floats,
    tie_keys: Sequence[Floats],
    ids: Ints,
) -> Ranking:
    """Score and rank the rows (enterprises) of `values` (rows × indicators)."""
    cw = np.asarray(criterion_weights, dtype=np.float64)
    cw = cw / cw.sum()
    scores = criterion_scores(normalise(values, method), indicator_weights, criterion_of, len(cw))
    totals: Floats = scores @ cw
    order = rank_order(totals, tie_keys, ids)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return Ranking(totals=totals, scores=scores, rank=ranks)


@dataclass(frozen=True)
class Sensitivity:
    rank_min: Ints
    rank_max: Ints
    top_share: Floats  # share of the draws in which the row is within the first `size`
    weight_dependent: npt.NDArray[np.bool_]  # in the first `size` in some draws and out of it in others


def weight_draws(criterion_weights: Floats, *, perturbation: float, draws: int, seed: int) -> Floats:
    """draws × criteria: each weight multiplied by a uniform factor in [1 − p, 1 + p], then rescaled to sum 1."""
    cw = np.asarray(criterion_weights, dtype=np.float64)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - perturbation, 1.0 + perturbation, size=(draws, len(cw)))
    drawn = cw * factors
    result: Floats = drawn / drawn.sum(axis=1, keepdims=True)
    return result


def sensitivity(
    scores: Floats,
    base_order: Ints,
    *,
    criterion_weights: Floats,
    size: int,
    perturbation: float,
    draws: int,
    seed: int,
    chunk: int = 100,
) -> Sensitivity:
    """Each row's range of ranks over `draws` random weightings (seeded: the same run gives the same range).

    Rows are put in the base ranking's order first and sorted stably, so a tie within a draw is broken as in
    the base ranking (tie-break indicators, then id). Draws are taken `chunk` at a time to bound memory."""
    n = scores.shape[0]
    ordered = scores[base_order]
    weights = weight_draws(criterion_weights, perturbation=perturbation, draws=draws, seed=seed)
    rank_min = np.full(n, n, dtype=np.int64)
    rank_max = np.ones(n, dtype=np.int64)
    in_top = np.zeros(n, dtype=np.int64)
    positions = np.arange(1, n + 1, dtype=np.int64)
    for start in range(0, draws, chunk):
        block = weights[start : start + chunk]
        totals = np.round(block @ ordered.T, DECIMALS)  # block × rows: each draw's row sorted contiguously
        order = np.argsort(-totals, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, positions[None, :], axis=1)
        np.minimum(rank_min, ranks.min(axis=0), out=rank_min)
        np.maximum(rank_max, ranks.max(axis=0), out=rank_max)
        in_top += (ranks <= size).sum(axis=0)
    # Back from the base order to the rows' own order.
    out_min = np.empty(n, dtype=np.int64)
    out_max = np.empty(n, dtype=np.int64)
    out_top = np.empty(n, dtype=np.float64)
    out_min[base_order] = rank_min
    out_max[base_order] = rank_max
    out_top[base_order] = in_top / max(draws, 1)
    dependent = (out_top > 0) & (out_top < 1)
    return Sensitivity(rank_min=out_min, rank_max=out_max, top_share=out_top, weight_dependent=dependent)
