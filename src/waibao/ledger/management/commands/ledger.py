"""`waibao ledger check`: every running total equals its entries, every application's status agrees with its
commitment, and every entry is tied to the audit event that recorded it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.ledger.models import BudgetLine, LedgerEntry
from waibao.ledger.owners import commitment_owner
from waibao.ledger.selectors import entries_without_their_audit_event, ledger_reconcile


class Command(BaseCommand):
    help = (
        "Ledger tools. check: the stored balances equal the sums of the entries, every application's status "
        "agrees with its commitment, and each entry is tied to the audit event that recorded it (run "
        "`waibao audit verify` for the events themselves)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_reconcile()
        owner = commitment_owner()
        disagreements = owner.disagreements() if owner is not None else []
        unaudited = entries_without_their_audit_event()
        if not problems and not disagreements and not unaudited:
            self.stdout.write(
                f"OK: {BudgetLine.objects.count()} budget lines and {LedgerEntry.objects.count()} entries agree; "
                "every status agrees with its commitment; every entry has its audit event."
            )
            return
        for p in problems[:50]:
            self.stderr.write(f"{p.kind} {p.object_id}: {p.field} stored {p.stored}, entries give {p.from_entries}")
        for line in disagreements[:50]:
            self.stderr.write(line)
        for u in unaudited[:50]:
            self.stderr.write(f"ledger entry {u.entry_id}: {u.reason}")
        failures = [
            f"{len(problems)} balance(s) differ from the entries",
            f"{len(disagreements)} status(es) disagree with their commitment",
        ]
        if unaudited:
            n = len(unaudited)
            failures.append(
                f"{n} entr{'y is' if n == 1 else 'ies are'} not tied to {'its' if n == 1 else 'their'} audit event"
            )
        raise CommandError("; ".join(failures) + ".")
