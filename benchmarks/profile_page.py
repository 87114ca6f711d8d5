"""Where one page's time goes: queries, and the top Python costs of one request, in-process with production settings.

    .venv/bin/python benchmarks/profile_page.py --folder F [--who office] [--repeat 20] [--top 25] PATH [PATH ...]

F is a data folder built by `benchmarks/load_pages.py --folder F` (the same database the load table uses, read with
the same production settings). Each path is requested as `--who` (a demo account, signed in with its second factor
marked verified; `public` for no session) through Django's test client: once to warm the caches, then `--repeat`
times timed in CPU time (the median and the minimum are printed beside the baseline, the sign-in page, measured
the same way), once with the queries captured, and `--repeat` times under cProfile, whose top functions by own
time and by cumulative time are printed. A companion of the load table: it says where a slow page spends its
time, the load table says whether it is fast enough.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--folder", required=True, help="a data folder of load_pages.py --folder")
    parser.add_argument("--who", default="office", help="a demo account, or public")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--queries", action="store_true", help="print every query of one request")
    parser.add_argument("--no-profile", action="store_true", help="times and query counts only")
    parser.add_argument("--calls-only", action="store_true", help="profile, but print only the calls a request")
    return parser.parse_args()


def timed(client: object, path: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.process_time()  # CPU time: on a shared machine, wall time measures the neighbours too
        response = client.get(path)  # type: ignore[attr-defined]
        times.append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return times


def main() -> None:
    args = parse_args()
    from load_pages import environment

    folder = Path(args.folder).resolve()
    if not (folder / "built").exists():
        sys.exit(f"{folder} holds no database: build it with load_pages.py --folder {folder}")
    os.environ.update(environment(folder, os.environ.get("DATABASE_URL", "")))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from waibao.accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    if args.who != "public":
        user = User.objects.get(username=args.who)
        client.force_login(user, backend="waibao.accounts.backends.ModelBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    timed(anonymous, "/accounts/login/", 3)
    base = timed(anonymous, "/accounts/login/", args.repeat)
    print(f"baseline /accounts/login/: median {statistics.median(base):.1f} ms, min {min(base):.1f} ms")
    for path in args.paths:
        timed(client, path, 2)
        times = timed(client, path, args.repeat)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(f"\n== {path} as {args.who}: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms "
              f"({statistics.median(times) / statistics.median(base):.1f}× the baseline); "
              f"{len(queries)} queries, {sql_ms:.1f} ms in the database")  # fmt: skip
        if args.queries:
            for q in queries.captured_queries:
                print(f"   {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
        if args.no_profile:
            continue
        profiler = cProfile.Profile()
        profiler.enable()
        timed(client, path, args.repeat)
        profiler.disable()
        calls = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
        # Python function calls per request: unlike time, the same on a quiet and on a busy machine.
        print(f"-- {calls / args.repeat:,.0f} Python function calls a request")
        if args.calls_only:
            continue
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(args.top)
            text = out.getvalue()
            start = text.find("   ncalls")
            print(f"-- by {order} (over {args.repeat} requests)")
            print(text[start:].replace(str(ROOT) + "/", "").rstrip())


if __name__ == "__main__":
    main()
