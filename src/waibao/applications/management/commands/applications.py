"""`waibao applications demo`: demo applications in various states (idempotent); `end_notice --id N` (demo only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Application tools. demo: create demo applications in various states for the demo accounts. "
        "end_notice --id N: demo only (DEBUG), end an application's public notice now; the record says the demo "
        "ended it early (the published dates stay)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["demo", "end_notice"])
        parser.add_argument("--id", type=int, default=None, help="application id (end_notice)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waibao.applications.demo import end_notice_for_demo, ensure_demo_applications

        if options["action"] == "end_notice":
            if options["id"] is None:
                raise CommandError("end_notice needs --id")
            try:
                application = end_notice_for_demo(options["id"])
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"#{application.pk}: notice published {application.notice_starts_on} – {application.notice_ends_on}, "
                f"ended early on {application.notice_ended_early_on} (recorded as a demo step)"
            )
            return
        try:
            created = ensure_demo_applications()
        except (RuntimeError, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        for line in created:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo applications: {len(created)} created."))
