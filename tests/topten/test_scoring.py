"""The arithmetic: normalisations, ranking with tie-breaks, and the seeded sensitivity."""

from __future__ import annotations

import numpy as np
import pytest

from waibao.topten import scoring


def test_min_max_z_score_and_rank_normalise_each_column() -> None:
    x = np.array([[0.0, 5.0], [5.0, 5.0], [10.0, 5.0]])
    assert scoring.normalise(x, "min_max")[:, 0].tolist() == [0.0, 0.5, 1.0]
    assert scoring.normalise(x, "min_max")[:, 1].tolist() == [0.0, 0.0, 0.0]  # one value: no information
    z = scoring.normalise(x, "z_score")[:, 0]
    assert z.mean() == pytest.approx(0) and z.std() == pytest.approx(1)
    ranks = scoring.normalise(np.array([[1.0], [3.0], [3.0], [7.0]]), "rank")[:, 0]
    assert ranks.tolist() == pytest.approx([0.0, 1.5 / 3, 1.5 / 3, 1.0])  # ties share their average rank
    with pytest.raises(ValueError):
        scoring.normalise(x, "log")


def test_ties_are_broken_by_the_tie_break_indicator_then_by_id() -> None:
    values = np.array([[1.0, 3.0], [1.0, 5.0], [1.0, 5.0], [0.0, 9.0]])
    ranking = scoring.rank(
        values,
        method="min_max",
        indicator_weights=np.array([1.0, 1.0]),
        criterion_of=np.array([0, 1]),
        criterion_weights=np.array([1.0, 0.0001]),
        tie_keys=[values[:, 1]],
        ids=np.array([40, 30, 20, 10]),
    )
    # rows 0-2 tie on the first criterion; the second (tiny weight) puts rows 1 and 2 ahead of row 0; they tie
    # on the total and on the tie-break indicator, so the lower id (row 2: 20) goes first.
    assert ranking.rank.tolist() == [3, 2, 1, 4]
    tied = scoring.rank_order(np.array([1.0, 1.0, 1.0]), [np.array([2.0, 2.0, 3.0])], np.array([7, 5, 9]))
    assert tied.tolist() == [2, 1, 0]  # highest tie-break first, then the lower id


def test_sensitivity_is_seeded_and_marks_the_places_that_depend_on_the_weights() -> None:
    # Two criteria; A leads on one, B on the other: with equal weights they swap places as weights move.
    scores = np.array([[1.0, 0.0], [0.0, 1.05], [0.5, 0.5], [0.1, 0.1]])
    weights = np.array([1.0, 1.0])
    totals = scores @ (weights / 2)
    order = np.argsort(-totals, kind="stable")
    first = scoring.sensitivity(scores, order, criterion_weights=weights, size=1, perturbation=0.2, draws=500, seed=1)
    again = scoring.sensitivity(scores, order, criterion_weights=weights, size=1, perturbation=0.2, draws=500, seed=1)
    assert first.rank_min.tolist() == again.rank_min.tolist()
    assert first.top_share.tolist() == again.top_share.tolist()
    assert first.weight_dependent.tolist() == [True, True, False, False]
    assert first.rank_min[3] == first.rank_max[3] == 4
    none = scoring.sensitivity(scores, order, criterion_weights=weights, size=1, perturbation=0.0, draws=10, seed=1)
    assert not none.weight_dependent.any()
