"""A case's steps as the clocks read them: put in order of their days, same-day steps kept in the order they
happened (the day's last governs), whatever order they come in."""

from __future__ import annotations

import datetime

from waibao.casework.clocks import _limit_history, _ordered, limit_history

D = datetime.date


def test_steps_out_of_order_are_read_in_order_of_their_days_same_day_order_kept():
    steps = [
        (D(2026, 3, 4), "answered", "answer"),
        (D(2026, 3, 2), "filed", "file"),
        (D(2026, 3, 3), "accepted", "accept"),
        (D(2026, 3, 3), "waiting", "ask_requester"),
    ]
    in_order = [steps[1], steps[2], steps[3], steps[0]]
    assert _ordered(steps) == in_order
    for kind in ("acceptance", "first_response", "resolution"):
        assert limit_history(kind, steps) == _limit_history(kind, in_order)
    # the resolution clock: running from filing, stopped on the 3rd (the day's last step waits on the requester)
    assert limit_history("resolution", steps) == ([(D(2026, 3, 2), True), (D(2026, 3, 3), False),
                                                   (D(2026, 3, 4), False)], D(2026, 3, 4))  # fmt: skip
    assert limit_history("first_response", steps) == ([(D(2026, 3, 3), False)], D(2026, 3, 3))
    assert limit_history("acceptance", steps) == ([(D(2026, 3, 2), True), (D(2026, 3, 3), False)], D(2026, 3, 3))
