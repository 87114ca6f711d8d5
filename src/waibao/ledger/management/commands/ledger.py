"""`waibao ledger check`: every running total equals its entries, and every entry has its audit event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.ledger.models import BudgetLine, LedgerEntry
from waibao.ledger.selectors import entries_without_their_audit_event, ledger_reconcile


class Command(BaseCommand):
    help = (
        "Ledger tools. check: the stored balances equal the sums of the entries, and each entry is tied to "
        "the audit event that recorded it (run `waibao audit verify` for the events themselves)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_reconcile()
        unaudited = entries_without_their_audit_event()
        if not problems and not unaudited:
            self.stdout.write(
                f"OK: {BudgetLine.objects.count()} budget lines and {LedgerEntry.objects.count()} entries agree;"
                " every entry has its audit event."
            )
            return
        for p in problems[:50]:
            self.stderr.write(f"{p.kind} {p.object_id}: {p.field} stored {p.stored}, entries give {p.from_entries}")
        for u in unaudited[:50]:
            self.stderr.write(f"ledger entry {u.entry_id}: {u.reason}")
        failures = []
        if problems:
            failures.append(f"{len(problems)} balance(s) differ from the entries")
        if unaudited:
            n = len(unaudited)
            failures.append(
                f"{n} entr{'y is' if n == 1 else 'ies are'} not tied to {'its' if n == 1 else 'their'} audit event"
            )
        raise CommandError("; ".join(failures) + ".")
