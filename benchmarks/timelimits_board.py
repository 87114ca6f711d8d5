"""Benchmark: the time-limit state of 100,000 case histories at once, against recomputing each in plain Python.

Runs standalone: `.venv/bin/python benchmarks/timelimits_board.py [--cases 100000]`. No database: random
histories (filed, waiting on the requester, resumed …) over the shipped working-day calendar 2020–2026.
The supervision board's path is `workdays.timelimits.clock_states` (numpy); the baseline is
`clock_state` called once per case. Both must give the same answers (checked on every case).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from workdays_offset import shipped  # noqa: E402

from waibao.workdays.timelimits import Change, clock_state, clock_states  # noqa: E402


def histories(n: int, seed: int) -> list[tuple[list[Change], int, datetime.date]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 6 * 365 - 60))
        changes: list[Change] = [(day, True)]
        running = True
        for _ in range(rng.choice([0, 0, 1, 2, 2, 4])):
            day += datetime.timedelta(days=rng.choice([1, 2, 3, 5, 8, 13]))
            running = not running
            changes.append((day, running))
        out.append((changes, rng.choice([2, 5, 10, 15]), day + datetime.timedelta(days=rng.randint(0, 30))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    calendar = shipped()
    cases = histories(args.cases, 2007)
    rows = [(i, d, r) for i, (changes, _l, _e) in enumerate(cases) for d, r in changes]

    t0 = time.perf_counter()
    epoch = datetime.date(1970, 1, 1).toordinal()
    case_index = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    dates = np.fromiter((r[1].toordinal() - epoch for r in rows), dtype=np.int64, count=len(rows))
    running = np.fromiter((r[2] for r in rows), dtype=bool, count=len(rows))
    limits = np.fromiter((c[1] for c in cases), dtype=np.int64, count=len(cases))
    ends = np.fromiter((c[2].toordinal() - epoch for c in cases), dtype=np.int64, count=len(cases))
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    arrays = clock_states(
        case_index,
        dates.astype("datetime64[D]"),
        running,
        limits=limits,
        ends=ends.astype("datetime64[D]"),
        calendar=calendar,
    )
    t_board = time.perf_counter() - t0

    t0 = time.perf_counter()
    plain = [clock_state(changes, limit=limit, today=end, calendar=calendar) for changes, limit, end in cases]
    t_plain = time.perf_counter() - t0

    mismatches = sum(
        1
        for i, one in enumerate(plain)
        if int(arrays.elapsed[i]) != one.elapsed
        or (None if np.isnat(arrays.due[i]) else arrays.due[i].item()) != one.due
    )
    overdue = int((arrays.elapsed > np.array([c[1] for c in cases])).sum())
    print(f"{args.cases:,} cases, {len(rows):,} status changes; {overdue:,} over their limit")
    print(f"  board: building the arrays (as from a query's rows) {t_build * 1000:9.1f} ms")
    print(f"  board: clock_states (numpy)              {t_board * 1000:9.1f} ms")
    print(f"  plain Python, one case at a time         {t_plain * 1000:9.1f} ms")
    total = t_build + t_board
    print(f"  ratio board (both steps) / plain         {total / t_plain:9.3f}  ({t_plain / total:.1f}× faster)")
    print(f"  answers that differ: {mismatches}")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
