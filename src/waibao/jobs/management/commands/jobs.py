"""`waibao jobs prune [--days N]`: delete finished jobs (and their export files) older than N days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from waibao.jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Housekeeping for background jobs (imports, exports)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser("prune", help="delete finished jobs older than --days, with their files")
        prune.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs_prune(older_than_days=options["days"])
        self.stdout.write(f"{count} finished job(s) older than {options['days']} days deleted.")
