"""Talent claims: generating the HZ-17b claim of one programme of 5,000 trainees (eligibility query, one exact
engine evaluation over every person, the duplicate check, lines and the application written, audited), against
evaluating the same persons with the engine's batch path (`policy/engine/batch.py`), measured in the same run.

The claim pays per person, so it uses the exact path (Decimal, with a trace per entitlement); the batch path is
the float64 forecast path. The figure to watch is the ratio: what a claim costs beyond the engine's fastest
evaluation of the same persons. Both totals are printed and must agree to the fen.

Run: .venv/bin/python benchmarks/talent_claims.py [--trainees 5000] [--repeat 3] [--database sqlite|postgres|both]
     [--profile]  (adds a cProfile of one generation, after the figures)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _databases import add_database_arguments, describe_database, run_per_database, throwaway_database
from _django import setup_django

YEAR = 2009


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainees", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one claim generation")
    add_database_arguments(parser)
    args = parser.parse_args()
    if run_per_database(args):
        return
    with throwaway_database(args, "talent") as url:
        setup_django(database_url=url)
        print(describe_database())
        measure(args)


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, list[float], Any]:
    times: list[float] = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def measure(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.db import transaction

    from waibao.accounts.models import Role, User
    from waibao.applications.dataset import load_routing_dataset
    from waibao.applications.models import Application
    from waibao.governance.dataset import load_governance_dataset
    from waibao.ledger.dataset import load_ledger_dataset
    from waibao.policy.engine import default_enterprise, default_package
    from waibao.policy.engine.batch import BatchFacts, evaluate_batch
    from waibao.registry.credit_code import make_credit_code, make_org_code
    from waibao.registry.dataset import load_registry_dataset
    from waibao.talent.claims import claims_generate, person_item
    from waibao.talent.models import (
        ClaimLine,
        Enrolment,
        EnrolmentStatus,
        Programme,
        ProgrammeKind,
        Recognition,
        Trainee,
        TrainingInstitution,
    )

    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_registry_dataset(folder)
    load_governance_dataset(folder)
    load_routing_dataset(folder)
    load_ledger_dataset(folder)
    institution = TrainingInstitution.objects.create(
        credit_code=make_credit_code("52330100" + make_org_code("BENCH001")), name_zh="基准培训学校", approved=True
    )
    user = User.objects.create(
        username="bench-trainer", role=Role.TRAINING_INSTITUTION, training_institution=institution
    )
    start = date(YEAR, 3, 2)
    programme = Programme.objects.create(
        institution=institution,
        name_zh="基准岗前培训",
        kind=ProgrammeKind.PRE_JOB,
        fee_cny=Decimal("6000.00"),
        capacity=args.trainees,
        starts_on=start,
        ends_on=start + timedelta(days=60),
        hours=200,
        recognition=Recognition.RECOGNISED,
    )
    n = args.trainees
    fees_note = "fee 6,000.00 each"
    with transaction.atomic():
        trainees = Trainee.objects.bulk_create(
            [
                Trainee(
                    name=f"学员{i}",
                    id_type="resident_id",
                    id_hash=f"{i:064x}",
                    id_masked=f"3301**********{i % 10000:04d}",
                    id_encrypted="-",
                    category="fresh_graduate",
                )
                for i in range(n)
            ],
            batch_size=1000,
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    trainee=t,
                    programme=programme,
                    category="fresh_graduate" if i % 3 else "unemployed_graduate",
                    graduation_date=date(YEAR - 1, 6, 30),
                    status=EnrolmentStatus.COMPLETED,
                    enrolled_on=start,
                    attended_hours=200,
                    completed_on=programme.ends_on,
                    passed=True,
                    # The certificate of completion each line needs (its file is not read when claiming).
                    completion_proof_name="结业证书.pdf",
                    completion_proof_stored=f"{i:032x}",
                    completion_proof_sha256=f"{i:064x}",
                    completion_proof_type="application/pdf",
                )
                for i, t in enumerate(trainees)
            ],
            batch_size=1000,
        )
    print(f"one programme, {n:,} completed graduate trainees ({fees_note})")

    package = default_package()
    enrolments = list(programme.enrolments.order_by("pk"))

    def batch_path() -> Any:
        enterprise = default_enterprise(package)
        enterprise["trainees"] = [person_item(e, programme.fee_cny) for e in enrolments]
        batch = BatchFacts.from_records(package, [enterprise], year=YEAR)
        return evaluate_batch(package, batch, year=YEAR)

    def generate() -> Any:
        # Each round starts from no claim: the previous round's claim and lines are removed first (not timed).
        with transaction.atomic():
            [claim] = claims_generate(acting_user=user, programme=programme, rule_id="HZ-17b", commitment_signed=True)
        return claim

    def reset() -> None:
        ClaimLine.objects.all().delete()
        from waibao.audit.models import AuditEvent

        Application.objects.filter(rule_id="HZ-17b").update(status="withdrawn")
        del AuditEvent  # the audit log is append-only: rounds leave their events

    batch_best, batch_times, batch_result = best_of(args.repeat, batch_path)
    generate_times: list[float] = []
    claim = None
    for _ in range(args.repeat):
        reset()
        started = time.perf_counter()
        claim = generate()
        generate_times.append(time.perf_counter() - started)
    assert claim is not None
    generate_best = min(generate_times)

    batch_total = batch_result.totals()["HZ-17b"]["amount"]
    print(
        f"batch path (facts laid out + evaluate_batch, all rules): best {batch_best * 1000:.1f} ms, "
        f"median {statistics.median(batch_times) * 1000:.1f} ms; HZ-17b total {batch_total}"
    )
    print(
        f"claim generation (HZ-17b, {claim.talent_lines.count():,} lines): best {generate_best * 1000:.1f} ms, "
        f"median {statistics.median(generate_times) * 1000:.1f} ms; claim amount {claim.calculated_amount_cny}"
    )
    print(f"per person: claim {generate_best / n * 1e6:.1f} µs, batch {batch_best / n * 1e6:.1f} µs")
    print(f"ratio claim generation / batch path: {generate_best / batch_best:.1f}×")
    if Decimal(str(batch_total)) != claim.calculated_amount_cny:
        print("MISMATCH: the batch total and the claim differ")
        sys.exit(1)
    print("totals agree to the fen")
    if args.profile:
        import cProfile
        import pstats

        reset()
        profiler = cProfile.Profile()
        profiler.runcall(generate)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
