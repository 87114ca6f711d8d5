"""`waibao recruitment daily [--today YYYY-MM-DD] [--enqueue]` (close postings past their closing date, remind
enterprises of postings about to close; run daily) and `waibao recruitment demo` (demo postings, a demo job
seeker; demo databases only)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Talent recruitment: the daily expiry and reminders, and the demo postings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        daily = sub.add_parser("daily", help="close postings past their closing date and send reminders")
        daily.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        daily.add_argument("--enqueue", action="store_true", help="run on the background worker instead")
        sub.add_parser("demo", help="demo postings and a demo job seeker (demo databases only)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "demo":
            from waibao.recruitment.demo import ensure_demo_recruitment

            self.stdout.write(f"recruitment demo: {ensure_demo_recruitment()} postings")
            return
        from waibao.recruitment.tasks import recruitment_daily

        today = options["today"].isoformat() if options["today"] else None
        if options["enqueue"]:
            result = recruitment_daily.enqueue(today)
            self.stdout.write(f"enqueued: {result.id}")
            return
        counts = recruitment_daily.call(today)
        self.stdout.write(f"expired: {counts['expired']}, reminded: {counts['reminded']}")
