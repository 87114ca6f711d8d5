"""`waibao governance remind [--today YYYY-MM-DD]` (daily) and `waibao governance demo`."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = "Governance: send the duty deadline reminders due today (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="send reminders N working days before deadlines, and on overdue")
        remind.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        sub.add_parser("demo", help="demo duties, reports and meetings for the demo accounts (demo databases only)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waibao.governance.reminders import send_duty_reminders

        if options["action"] == "demo":
            from waibao.governance.demo import ensure_demo_governance

            self.stdout.write(f"governance demo: {ensure_demo_governance()} reports")
            return

        try:
            sent = send_duty_reminders(today=options["today"] or timezone.localdate())
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"reminded: {sent}")
