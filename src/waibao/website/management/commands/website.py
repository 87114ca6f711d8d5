"""`waibao website demo|schedule|publish|reindex`: demo content, the worker's periodic scheduled publication,
one run of it now, and the search index rebuilt from the live pages and the policy package."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "The outsourcing website: demo content, scheduled publication, search index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("demo", help="demo news, notice, events and guides (demo databases only)")
        sub.add_parser("schedule", help="queue the worker's scheduled publication (every minute) unless queued")
        sub.add_parser("publish", help="publish what is due and unpublish what has expired, now")
        sub.add_parser("reindex", help="rebuild the site's search index")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "demo":
            from waibao.website.demo import ensure_demo_website

            self.stdout.write(f"website demo: {ensure_demo_website()} pages")
        elif action == "schedule":
            from waibao.website.tasks import queue_next

            queued = queue_next(after=timedelta(0))
            self.stdout.write("scheduled publication: queued" if queued else "scheduled publication: not deferrable")
        elif action == "publish":
            from waibao.website.services import publish_scheduled

            publish_scheduled()
        else:
            from waibao.website.services import rebuild_index

            self.stdout.write(f"indexed: {rebuild_index()}")
