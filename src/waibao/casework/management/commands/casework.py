"""`waibao casework tick [--today YYYY-MM-DD]` (daily: auto-close, reminders, finished cases' badges counted
again after a calendar edit) and `waibao casework demo`."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = "Casework: the daily job (auto-close unconfirmed answers, remind before limits) or demo cases."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="close answers left unconfirmed, send reminders (run daily)")
        tick.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        sub.add_parser("demo", help="demo cases for the demo accounts (demo databases only)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waibao.casework import services

        if options["action"] == "demo":
            from waibao.casework.demo import ensure_demo_casework

            try:
                self.stdout.write(f"casework demo: {ensure_demo_casework()} cases")
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            return
        today = options["today"] or timezone.localdate()
        try:
            closed = services.auto_close(today=today)
            reminded = services.send_reminders(today=today)
            recounted = services.case_badges_refresh()
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"closed: {closed}, reminded: {reminded}, badges counted again: {recounted}")
