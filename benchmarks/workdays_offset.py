"""Benchmark: 1,000,000 `add_working_days` computations against `numpy.busday_offset` with the same holidays.

Runs standalone: `.venv/bin/python benchmarks/workdays_offset.py [--n 1000000] [--repeat 5]`. No database: the
calendar is built from the shipped `data/default/calendar/*.yaml` files. Target: our vectorised path ≤ 2× numpy.

numpy's business-day calendar is a weekmask plus holidays: it cannot express make-up working days (a Saturday
that is worked, 调休), so its answers differ from the real calendar around most holidays. Its time is the
baseline for speed only; the script prints how many of its answers are wrong by the State Council's calendar.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from waibao.workdays.calendar import WorkCalendar, build_calendar  # noqa: E402


def shipped() -> WorkCalendar:
    years, holidays, workdays = [], [], []
    for path in sorted((ROOT / "data" / "default" / "calendar").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        years.append(doc["year"])
        holidays += [item["date"] for item in doc["holidays"]]
        workdays += [item["date"] for item in doc["workdays"] or []]
    return build_calendar(years, holidays, workdays)


def best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    calendar = shipped()
    rng = np.random.default_rng(2007)
    lo = np.datetime64(f"{min(calendar.years)}-01-01")
    span = (np.datetime64(f"{max(calendar.years)}-10-01") - lo).astype(int)
    starts = lo + rng.integers(0, span, args.n).astype("timedelta64[D]")
    steps = rng.integers(1, 31, args.n)
    holidays = np.array(sorted(calendar.holidays), dtype="datetime64[D]")
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=holidays)

    ours = calendar.add_working_days_many(starts, steps)
    # roll="backward" gives numpy our convention: the n-th working day strictly after the start.
    theirs = np.busday_offset(starts, steps, roll="backward", busdaycal=busdaycal)
    t_ours = best(lambda: calendar.add_working_days_many(starts, steps), args.repeat)
    t_numpy = best(lambda: np.busday_offset(starts, steps, roll="backward", busdaycal=busdaycal), args.repeat)

    sample = 20_000
    scalar_starts = [d.item() for d in starts[:sample]]
    scalar_steps = [int(n) for n in steps[:sample]]
    t0 = time.perf_counter()
    scalar = [calendar.add_working_days(d, n) for d, n in zip(scalar_starts, scalar_steps, strict=True)]
    per_call = (time.perf_counter() - t0) / sample
    assert scalar == [d.item() for d in ours[:sample]], "scalar and vectorised paths disagree"

    differ = int((ours != theirs).sum())
    years = f"{min(calendar.years)}–{max(calendar.years)}"
    print(f"working-day calendar {years}: {len(calendar.holidays)} holidays, {len(calendar.workdays)} make-up days")
    print(f"{args.n:,} add_working_days (best of {args.repeat}):")
    print(f"  waibao vectorised        {t_ours * 1000:9.1f} ms")
    print(f"  numpy.busday_offset      {t_numpy * 1000:9.1f} ms")
    print(f"  ratio                    {t_ours / t_numpy:9.2f}  (target ≤ 2)")
    print(f"  scalar add_working_days  {per_call * 1e6:9.2f} µs a call (mean of {sample:,})")
    print(
        f"  numpy answers that differ from the State Council calendar: {differ:,} of {args.n:,} "
        f"({differ / args.n:.1%}): numpy has no make-up working days"
    )


if __name__ == "__main__":
    main()
