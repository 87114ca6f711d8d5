"""Worker processes for the ledger's concurrency tests and benchmark: each one is a fresh interpreter
(multiprocessing "spawn") that sets up Django against a shared file database (SQLite) or server (PostgreSQL).
"""

from __future__ import annotations

import os
import traceback
from decimal import Decimal
from typing import Any

SETTINGS = "config.settings.test"


def django_for(database_url: str) -> None:
    """Point this process at `database_url` and set Django up (before any model import)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()


def prepare(database_url: str, *, applications: int, amount: str, leave_room_for: int) -> dict[str, Any]:
    """Migrate, load the default data set, and create `applications` HZ-12a applications in the HTZ.

    Then commit a filler on the HTZ software-export 2008 line so exactly `leave_room_for` of the
    applications (each `amount`) still fit. Returns the ids the workers need.
    """
    django_for(database_url)
    from django.conf import settings
    from django.core.management import call_command

    from tests.factories import EnterpriseFactory, make_user
    from waibao.accounts.models import Role
    from waibao.applications.models import Application, ApplicationStatus
    from waibao.governance.dataset import load_governance_dataset
    from waibao.ledger.dataset import load_ledger_dataset
    from waibao.ledger.models import BudgetLine
    from waibao.ledger.services import commitment_create
    from waibao.registry.dataset import load_registry_dataset
    from waibao.registry.models import Zone

    call_command("migrate", verbosity=0)
    from pathlib import Path

    folder = Path(settings.WAIBAO_DEFAULT_DATASET)
    load_registry_dataset(folder)
    load_governance_dataset(folder)
    load_ledger_dataset(folder)
    office = make_user(Role.PROGRAMME_OFFICE, username="race-office")
    finance = make_user(Role.FINANCE_OFFICER, username="race-finance")
    htz = Zone.objects.get(code="htz")
    line = BudgetLine.objects.get(
        source__fund__code="special_fund", source__code="htz", category__code="software-export", year=2008
    )
    each = Decimal(amount)
    filler_amount = line.available - each * leave_room_for - Decimal("0.01")  # K fit, K+1 do not
    filler = Application.objects.create(
        enterprise=EnterpriseFactory.create(zone=htz),
        rule_id="HZ-12b",
        year=2008,
        status=ApplicationStatus.COMMITTED,
        fund_code="special_fund",
        approved_amount_cny=filler_amount,
    )
    commitment_create(acting_user=office, application=filler, amount=filler_amount)
    ids = []
    for _ in range(applications):
        application = Application.objects.create(
            enterprise=EnterpriseFactory.create(zone=htz),
            rule_id="HZ-12a",
            year=2008,
            status=ApplicationStatus.COMMITTED,
            fund_code="special_fund",
            approved_amount_cny=each,
        )
        ids.append(application.pk)
    # One more commitment on another budget line (the ETDZ's): payments on two lines are not ordered by a line's
    # row lock, so the same voucher entered on both at once meets only the unique index.
    other = Application.objects.create(
        enterprise=EnterpriseFactory.create(zone=Zone.objects.get(code="etdz")),
        rule_id="HZ-12a",
        year=2008,
        status=ApplicationStatus.COMMITTED,
        fund_code="special_fund",
        approved_amount_cny=each,
    )
    other_commitment = commitment_create(acting_user=office, application=other, amount=each)
    assert other_commitment.budget_line_id != line.pk
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {
        "office": office.pk,
        "finance": finance.pk,
        "line": line.pk,
        "applications": ids,
        "filler": filler.pk,
        "other_commitment": other_commitment.pk,
    }


def commit_task(user_id: int, application_id: int, amount: str, barrier: Any) -> tuple[int, str, str]:
    """In a pool worker: wait for every worker, then try to commit; "ok", the DomainError code, or the crash."""
    try:
        from waibao.accounts.models import User
        from waibao.applications.models import Application
        from waibao.common.errors import DomainError
        from waibao.ledger.services import commitment_create

        user = User.objects.get(pk=user_id)
        application = Application.objects.select_related("enterprise").get(pk=application_id)
        barrier.wait(timeout=120)
        try:
            commitment_create(acting_user=user, application=application, amount=Decimal(amount))
            return (application_id, "ok", "")
        except DomainError as exc:
            return (application_id, exc.code, str(exc.message))
    except Exception:  # the test asserts on it: any crash (e.g. "database is locked") is reported
        return (application_id, "crash", traceback.format_exc())


def pay_task(
    user_id: int, commitment_id: int, amount: str, key: str, barrier: Any, voucher: str = ""
) -> tuple[int, str, str]:
    """In a pool worker: the same or competing payments submitted at once (double click, retried request), with
    finance's record of the payment when `voucher` is given."""
    try:
        from django.utils import timezone

        from waibao.accounts.models import User
        from waibao.common.errors import DomainError
        from waibao.ledger.models import Commitment
        from waibao.ledger.services import PaymentRecord, payment_create

        user = User.objects.get(pk=user_id)
        commitment = Commitment.objects.get(pk=commitment_id)
        record = PaymentRecord(voucher, timezone.localdate(), "6222 0000 0000 0001") if voucher else None
        barrier.wait(timeout=120)
        try:
            entry = payment_create(
                acting_user=user, commitment=commitment, amount=Decimal(amount), idempotency_key=key, record=record
            )
            return (commitment_id, "ok", str(entry.pk))
        except DomainError as exc:
            return (commitment_id, exc.code, str(exc.message))
    except Exception:
        return (commitment_id, "crash", traceback.format_exc())


def commitment_ids(application_ids: list[int]) -> list[int]:
    from waibao.ledger.models import Commitment

    return list(
        Commitment.objects.filter(application_id__in=application_ids).order_by("id").values_list("id", flat=True)
    )


def summary(database_url: str) -> dict[str, Any]:
    """What the database holds after the race: counts, sums, reconciliation, audit chain."""
    django_for(database_url)
    from django.db.models import Sum

    from waibao.audit.services import audit_verify
    from waibao.ledger.models import BudgetLine, Commitment, EntryKind, LedgerEntry
    from waibao.ledger.selectors import ledger_reconcile

    line = BudgetLine.objects.get(
        source__fund__code="special_fund", source__code="htz", category__code="software-export", year=2008
    )
    report = audit_verify()
    result = {
        "commitments": Commitment.objects.filter(budget_line=line).count(),
        "committed_sum": str(Commitment.objects.filter(budget_line=line).aggregate(s=Sum("amount"))["s"]),
        "line_committed": str(line.committed),
        "line_paid": str(line.paid),
        "paid_elsewhere": str(
            LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exclude(budget_line=line).aggregate(s=Sum("amount"))["s"]
            or 0
        ),
        "line_budgeted": str(line.budgeted),
        "payments": LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count(),
        "reconcile": [str(p) for p in ledger_reconcile()],
        "audit_ok": report.ok,
        "audit_reason": report.reason,
    }
    from django.db import connection

    connection.close()
    return result
