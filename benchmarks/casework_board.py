"""Benchmark: the supervision board's time-limit state of 100,000 cases from their status histories, against a
plain Python recomputation of each case in the same run.

Runs standalone: `.venv/bin/python benchmarks/casework_board.py [--cases 100000]`. No database: random case
histories that follow the casework workflow (filed, assigned, waiting on the requester, answered, reopened …)
with extensions, over the shipped working-day calendar. The board's path is `casework.clocks.case_clocks` (one
pass building arrays, then numpy); the baseline is `casework.clocks.case_clock` per case. Every answer must agree.
A second measure times all three limits (acceptance, first response, resolution) of the same cases:
`case_limit_clocks` (the board's path since issue 12 was finished) against `limit_clock` per case and limit.
The board page's query count is pinned separately (tests/casework/test_pages.py).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from workdays_offset import shipped  # noqa: E402

from waibao.casework.clocks import (  # noqa: E402
    LIMIT_KINDS,
    StatusChange,
    Step,
    case_clock,
    case_clocks,
    case_limit_clocks,
    limit_clock,
)

NEXT = {
    "filed": ["accepted", "assigned", "assigned"],
    "accepted": ["assigned"],
    "assigned": ["waiting", "answered", "answered", "returned"],
    "returned": ["assigned"],
    "waiting": ["assigned"],
    "answered": ["closed", "closed", "assigned"],
    "closed": ["assigned"],
}


ACTION = {"accepted": "accept", "returned": "return_misroute", "waiting": "ask_requester", "answered": "answer"}


def histories(n: int, seed: int) -> list[tuple[int, int, list[Step]]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 6 * 365 - 120))
        status = "filed"
        steps: list[Step] = [(day, status, "filed")]
        for _ in range(rng.choice([1, 2, 3, 4, 6])):
            day += datetime.timedelta(days=rng.choice([0, 1, 2, 3, 5, 8]))
            new = rng.choice(NEXT[status])
            action = ACTION.get(new) or ("reply" if status == new == "assigned" else "assign")
            if new == "closed":
                action = "confirm"
            steps.append((day, new, action))
            status = new
        out.append((i, rng.choice([5, 5, 10]) + rng.choice([0, 0, 0, 5, 10]), steps))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    calendar = shipped()
    with_actions = histories(args.cases, 2007)
    cases: list[tuple[int, int, list[StatusChange]]] = [
        (i, limit, [(on, status) for on, status, _action in steps]) for i, limit, steps in with_actions
    ]
    today = datetime.date(2026, 6, 30)

    t0 = time.perf_counter()
    board = case_clocks(cases, today=today, calendar=calendar)
    t_board = time.perf_counter() - t0

    t0 = time.perf_counter()
    plain = {i: case_clock(changes, limit=limit, today=today, calendar=calendar) for i, limit, changes in cases}
    t_plain = time.perf_counter() - t0

    mismatches = sum(1 for i in plain if plain[i] != board[i])
    badges: dict[str, int] = {}
    for clock in board.values():
        badges[clock.badge] = badges.get(clock.badge, 0) + 1
    changes = sum(len(c) for _i, _l, c in cases)
    print(f"{args.cases:,} cases, {changes:,} status changes; badges {dict(sorted(badges.items()))}")
    print(f"  board: case_clocks (histories → arrays → numpy)  {t_board * 1000:9.1f} ms")
    print(f"  plain Python, case_clock one case at a time       {t_plain * 1000:9.1f} ms")
    print(
        f"  ratio board / plain                               {t_board / t_plain:9.3f}"
        f"  ({t_plain / t_board:.1f}× faster)"
    )
    print(f"  answers that differ: {mismatches}")

    limits = [
        (i, {"acceptance": 1, "first_response": 2, "resolution": limit}, steps) for i, limit, steps in with_actions
    ]
    t0 = time.perf_counter()
    board3 = case_limit_clocks(limits, today=today, calendar=calendar)
    t_board3 = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain3 = {
        i: [limit_clock(kind, steps, limit=lim[kind], today=today, calendar=calendar) for kind in LIMIT_KINDS]
        for i, lim, steps in limits
    }
    t_plain3 = time.perf_counter() - t0
    mismatches3 = sum(1 for i in plain3 if [board3[i].get(kind) for kind in LIMIT_KINDS] != plain3[i])
    print("all three limits (acceptance, first response, resolution) of the same cases:")
    print(f"  board: case_limit_clocks (one numpy pass)          {t_board3 * 1000:9.1f} ms")
    print(f"  plain Python, limit_clock per case and limit      {t_plain3 * 1000:9.1f} ms")
    print(
        f"  ratio board / plain                               {t_board3 / t_plain3:9.3f}"
        f"  ({t_plain3 / t_board3:.1f}× faster)"
    )
    print(f"  answers that differ: {mismatches3}")
    if mismatches or mismatches3:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
