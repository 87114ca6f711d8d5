"""Enterprise list with 20,000 enterprises: median response time (target < 100 ms) and SQL queries per page size.

Run: .venv/bin/python benchmarks/registry_list.py [--enterprises 20000] [--requests 60]
     [--database sqlite|postgres|both] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _databases import add_database_arguments, describe_database, run_per_database, throwaway_database
from _django import setup_django

TARGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    add_database_arguments(parser)
    args = parser.parse_args()
    run_per_database(args)
    with throwaway_database(args, "registry") as url:
        setup_django(database_url=url)
        print(describe_database())
        measure(args)


def measure(args: argparse.Namespace) -> None:

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from waibao.accounts.models import Role, User
    from waibao.governance.dataset import load_governance_dataset
    from waibao.registry.dataset import load_registry_dataset
    from waibao.registry.demo import create_demo_enterprises

    settings.ALLOWED_HOSTS = ["*"]
    load_registry_dataset(Path(settings.WAIBAO_DEFAULT_DATASET))
    load_governance_dataset(Path(settings.WAIBAO_DEFAULT_DATASET))
    started = time.perf_counter()
    create_demo_enterprises(count=args.enterprises, seed=2007)
    print(f"setup: {args.enterprises:,} demo enterprises in {time.perf_counter() - started:.1f} s")
    office = User.objects.create(username="bench-office", role=Role.PROGRAMME_OFFICE)
    client = Client()
    client.force_login(office, backend="waibao.accounts.backends.ModelBackend")
    # Staff sign in with a second factor: mark the session verified with a device, as the code page does.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=office, name="bench", confirmed=True).persistent_id
    session.save()

    urls = [
        "/registry/enterprises/",
        "/registry/enterprises/?page=400",
        "/registry/enterprises/?zone=htz&sort=-capital",
        "/registry/enterprises/?category=ito&status=recognised&page=3",
        "/registry/enterprises/?q=华信",
        "/registry/enterprises/?ownership=300&per_page=100",
    ]
    for url in urls:  # warm-up
        client.get(url)
    timings: dict[str, list[float]] = {url: [] for url in urls}
    for i in range(args.requests):
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        response = client.get(url)
        timings[url].append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    every = [t for ts in timings.values() for t in ts]
    median = statistics.median(every)
    print(f"\nenterprise list, {args.enterprises:,} enterprises, {len(every)} requests")
    for url, ts in timings.items():
        print(f"  {url:<62} median {statistics.median(ts):7.1f} ms")
    print(
        f"overall median: {median:.1f} ms  (target < {TARGET_MS:.0f} ms: {'MET' if median < TARGET_MS else 'MISSED'})"
    )
    print(f"ratio to target: {median / TARGET_MS:.2f}")

    print("\nSQL queries per request by page size:")
    counts = {}
    for size in (20, 50, 100):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/registry/enterprises/?per_page={size}&zone=htz")
        counts[size] = len(ctx.captured_queries)
        print(f"  per_page={size:<4} {counts[size]} queries")
    print(f"fixed query count: {'YES' if len(set(counts.values())) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
