"""`waibao ledger check`: recompute every running total from the entries and report any difference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.ledger.models import BudgetLine, LedgerEntry
from waibao.ledger.owners import commitment_owner
from waibao.ledger.selectors import ledger_reconcile


class Command(BaseCommand):
    help = (
        "Ledger tools. check: the stored balances equal the sums of the entries, and every application's status "
        "agrees with its commitment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_reconcile()
        owner = commitment_owner()
        disagreements = owner.disagreements() if owner is not None else []
        if not problems and not disagreements:
            self.stdout.write(
                f"OK: {BudgetLine.objects.count()} budget lines and {LedgerEntry.objects.count()} entries agree; "
                "every status agrees with its commitment."
            )
            return
        for p in problems[:50]:
            self.stderr.write(f"{p.kind} {p.object_id}: {p.field} stored {p.stored}, entries give {p.from_entries}")
        for line in disagreements[:50]:
            self.stderr.write(line)
        raise CommandError(
            f"{len(problems)} balance(s) differ from the entries; "
            f"{len(disagreements)} status(es) disagree with their commitment."
        )
