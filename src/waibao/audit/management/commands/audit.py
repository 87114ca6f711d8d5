"""`waibao audit verify`: check the hash chain and name the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. verify: check the hash chain of audit events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} audit events, chain intact.")
            return
        raise CommandError(
            f"BROKEN at audit event {report.broken_event_id}: {report.reason} "
            f"({report.checked} events before it are intact)."
        )
