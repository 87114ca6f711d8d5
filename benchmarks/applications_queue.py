"""Applications at scale: work queues, lists and the public notice with 20,000 applications (target median
< 150 ms per page, query count independent of the number of rows), and submissions through the service
(engine evaluation + evidence + audit; target median < 100 ms each).

Run: .venv/bin/python benchmarks/applications_queue.py [--applications 20000] [--requests 60]
     [--database sqlite|postgres|both] [--postgres-url URL] [--submissions 100]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _databases import add_database_arguments, describe_database, run_per_database, throwaway_database
from _django import setup_django

PAGE_TARGET_MS = 150.0
SUBMIT_TARGET_MS = 100.0
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--submissions", type=int, default=100)
    add_database_arguments(parser)
    args = parser.parse_args()
    run_per_database(args)
    with throwaway_database(args, "queue") as url:
        setup_django(database_url=url)
        print(describe_database())
        measure(args)


def measure(args: argparse.Namespace) -> None:

    from datetime import timedelta
    from decimal import Decimal

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from waibao.accounts.models import Role, User
    from waibao.applications.dataset import load_routing_dataset
    from waibao.applications.models import Application, ApplicationStatus
    from waibao.applications.services import Upload, application_create
    from waibao.governance.dataset import load_governance_dataset
    from waibao.governance.models import Department
    from waibao.ledger.dataset import load_ledger_dataset
    from waibao.registry.dataset import load_registry_dataset
    from waibao.registry.demo import create_demo_enterprises
    from waibao.registry.models import Enterprise, EnterpriseStatus

    S = ApplicationStatus
    settings.ALLOWED_HOSTS = ["*"]
    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_registry_dataset(folder)
    load_governance_dataset(folder)
    load_routing_dataset(folder)
    load_ledger_dataset(folder)
    started = time.perf_counter()
    enterprises_count = max(args.applications // 10, 100)
    create_demo_enterprises(count=enterprises_count, seed=2007)
    enterprise_ids = list(Enterprise.objects.values_list("pk", flat=True))
    departments = {d.code: d for d in Department.objects.all()}
    rng = random.Random(2007)
    rules = [
        ("HZ-12a", "trade-industry"),
        ("HZ-13a", "science-technology"),
        ("HZ-15", "trade-industry"),
        ("HZ-14", "ip-office"),
        ("HZ-12c", "trade-industry"),
    ]
    statuses = [S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RECOMMENDED, S.IN_NOTICE, S.COMMITTED, S.PAID, S.REJECTED]
    now = timezone.now()
    today = timezone.localdate()
    rows: list[Any] = []
    seen: set[tuple[int, str, int, str]] = set()
    while len(rows) < args.applications:
        rule_id, dept = rng.choice(rules)
        enterprise_id = rng.choice(enterprise_ids)
        year = rng.randint(2007, 2010)
        item = "CMMI" if rule_id == "HZ-13a" else ""
        key = (enterprise_id, rule_id, year, item)
        if key in seen:
            continue
        seen.add(key)
        status = rng.choice(statuses)
        amount = Decimal("200000.00")
        in_notice = status == S.IN_NOTICE
        rows.append(
            Application(
                enterprise_id=enterprise_id,
                rule_id=rule_id,
                year=year,
                item_key=item,
                status=status,
                department=departments[dept],
                fund_code="special_fund",
                basis="fixed",
                calculated_amount_cny=amount,
                recommended_amount_cny=amount if status not in (S.SUBMITTED, S.IN_REVIEW, S.RETURNED) else None,
                approved_amount_cny=amount if status in (S.IN_NOTICE, S.COMMITTED, S.PAID) else None,
                notice_starts_on=today if in_notice else None,
                notice_ends_on=today + timedelta(days=6) if in_notice else None,
                status_changed_at=now - timedelta(days=rng.randint(0, 60)),
                submitted_at=now,
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)
    from waibao.applications.services import step_deadlines_refresh

    for rule_id in sorted({row.rule_id for row in rows}):  # made directly: their deadlines as the services set them
        step_deadlines_refresh(rule_id=rule_id)
    print(
        f"setup: {enterprises_count:,} enterprises, {len(rows):,} applications in {time.perf_counter() - started:.1f} s"
    )

    office = User.objects.create(username="bench-office", role=Role.PROGRAMME_OFFICE)
    reviewer = User.objects.create(
        username="bench-reviewer", role=Role.DEPARTMENT_REVIEWER, department=departments["trade-industry"]
    )
    finance = User.objects.create(username="bench-finance", role=Role.FINANCE_OFFICER)
    clients = {}
    for user in (office, reviewer, finance):
        client = Client()
        client.force_login(user, backend="waibao.accounts.backends.ModelBackend")
        # Staff sign in with a second factor: mark the session verified with a device, as the code page does.
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        ).persistent_id
        session.save()
        clients[user.username] = client
    clients["anonymous"] = Client()
    detail_id = Application.objects.filter(status=S.RECOMMENDED).values_list("pk", flat=True).first()
    urls = [
        ("bench-reviewer", "/applications/queue/"),
        ("bench-office", "/applications/queue/"),
        ("bench-finance", "/applications/queue/"),
        ("bench-office", "/applications/all/?status=in_review&page=5"),
        ("bench-reviewer", "/applications/all/?rule=HZ-12a&year=2008"),
        ("anonymous", "/notice/"),
        ("bench-office", f"/applications/{detail_id}/"),
    ]
    for who, url in urls:
        assert clients[who].get(url).status_code == 200, url
    timings: dict[tuple[str, str], list[float]] = {u: [] for u in urls}
    for i in range(args.requests):
        who, url = urls[i % len(urls)]
        t0 = time.perf_counter()
        response = clients[who].get(url)
        timings[(who, url)].append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    every = [t for ts in timings.values() for t in ts]
    print(f"\npages, {len(rows):,} applications, {len(every)} requests")
    for (who, url), ts in timings.items():
        with CaptureQueriesContext(connection) as ctx:
            clients[who].get(url)
        print(f"  {who:<15} {url:<45} median {statistics.median(ts):7.1f} ms  {len(ctx.captured_queries):3d} queries")
    median = statistics.median(every)
    worst = max(statistics.median(ts) for ts in timings.values())
    print(
        f"overall median: {median:.1f} ms, slowest page median {worst:.1f} ms "
        f"(target < {PAGE_TARGET_MS:.0f} ms: {'MET' if worst < PAGE_TARGET_MS else 'MISSED'})"
    )
    print(f"ratio to target (slowest page): {worst / PAGE_TARGET_MS:.2f}")

    # Query count does not grow with rows: the reviewer's queue with 10 times fewer applications waiting.
    with CaptureQueriesContext(connection) as big:
        clients["bench-reviewer"].get("/applications/queue/")
    Application.objects.filter(status__in=(S.SUBMITTED, S.IN_REVIEW), pk__gt=len(rows) // 10).update(status=S.REJECTED)
    with CaptureQueriesContext(connection) as small:
        clients["bench-reviewer"].get("/applications/queue/")
    print(
        f"reviewer queue queries: {len(big.captured_queries)} (many rows) vs {len(small.captured_queries)} (few rows): "
        f"{'CONSTANT' if len(big.captured_queries) == len(small.captured_queries) else 'GROWS'}"
    )

    # Submissions through the service: evaluate, store verdict, evidence, audit, notifications.
    # Only recognised enterprises may apply: the demo city's first enterprises may be in any status.
    applicant_enterprises = list(
        Enterprise.objects.filter(status=EnterpriseStatus.RECOGNISED).order_by("pk")[: args.submissions]
    )
    if len(applicant_enterprises) < args.submissions:
        print(f"(only {len(applicant_enterprises)} recognised enterprises: that many submissions)")
    submit_ms: list[float] = []
    for n, enterprise in enumerate(applicant_enterprises):
        user = User.objects.create(username=f"bench-ent-{n}", role=Role.ENTERPRISE, enterprise=enterprise)
        t0 = time.perf_counter()
        application_create(
            acting_user=user,
            rule_id="HZ-12a",
            year=2011 if n % 2 else 2012,
            facts={"software_export_usd": Decimal("650000")},
            uploads=[Upload(kind="contract", stream=io.BytesIO(PDF), name="c.pdf")],
            commitment_signed=True,
            submit=True,
        )
        submit_ms.append((time.perf_counter() - t0) * 1000)
    submit_median = statistics.median(submit_ms)
    print(
        f"\nsubmissions: {len(submit_ms)}, median {submit_median:.1f} ms, p95 "
        f"{sorted(submit_ms)[int(len(submit_ms) * 0.95) - 1]:.1f} ms "
        f"(target < {SUBMIT_TARGET_MS:.0f} ms: {'MET' if submit_median < SUBMIT_TARGET_MS else 'MISSED'})"
    )
    print(f"ratio to target (submission): {submit_median / SUBMIT_TARGET_MS:.2f}")


if __name__ == "__main__":
    main()
