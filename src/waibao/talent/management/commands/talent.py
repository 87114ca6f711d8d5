"""`waibao talent demo` (demo training data, idempotent) and `waibao talent expire` (lapse past approvals, daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Talent tools. demo: an approved institution, a recognised programme with trainees at every stage, its "
        "claims, a programme not recognised and a refused duplicate (demo databases). expire: institutions whose "
        "approval period has ended are no longer approved (run daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["demo", "expire"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "expire":
            from waibao.talent.institutions import approval_expire

            self.stdout.write(f"lapsed: {approval_expire()}")
            return
        from waibao.talent.demo import ensure_demo_talent

        try:
            done = ensure_demo_talent()
        except (RuntimeError, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        for line in done:
            self.stdout.write(line)
        self.stdout.write(f"talent demo: {len(done)} step(s)")
