"""`waibao ledger check`: recompute every running total from the entries and report any difference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.ledger.models import BudgetLine, LedgerEntry
from waibao.ledger.selectors import ledger_reconcile


class Command(BaseCommand):
    help = "Ledger tools. check: the stored balances equal the sums of the entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_reconcile()
        if not problems:
            self.stdout.write(
                f"OK: {BudgetLine.objects.count()} budget lines and {LedgerEntry.objects.count()} entries agree."
            )
            return
        for p in problems[:50]:
            self.stderr.write(f"{p.kind} {p.object_id}: {p.field} stored {p.stored}, entries give {p.from_entries}")
        raise CommandError(f"{len(problems)} balance(s) differ from the entries.")
