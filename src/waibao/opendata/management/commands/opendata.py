"""`waibao opendata release [--dataset CODE ...]` publishes releases; `waibao opendata verify` checks every
stored release against its hashes; `waibao opendata list` prints the catalogue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = "Open data: publish releases, verify stored releases, list the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        release = sub.add_parser("release", help="publish the next release of each dataset whose content changed")
        release.add_argument("--dataset", action="append", default=[], help="dataset code (repeatable; default all)")
        sub.add_parser("verify", help="recompute every release's content and file hashes")
        sub.add_parser("list", help="the datasets and their latest releases")

    def handle(self, *args: Any, **options: Any) -> None:
        from waibao.opendata.catalogue import dataset_spec, datasets
        from waibao.opendata.models import Release
        from waibao.opendata.selectors import catalogue
        from waibao.opendata.services import release_problems, release_publish

        action = options["action"]
        if action == "list":
            for entry in catalogue():
                latest = f"v{entry.latest.version} {entry.latest.released_on}" if entry.latest else "-"
                self.stdout.write(f"{entry.spec.code}\t{latest}\t{entry.releases} release(s)")
            return
        if action == "verify":
            problems = [p for r in Release.objects.defer("rows", "document") for p in release_problems(r)]
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} problem(s)")
            self.stdout.write(f"verified: {Release.objects.count()} release(s)")
            return
        codes = options["dataset"] or [s.code for s in datasets()]
        failed = False
        for code in codes:
            try:
                dataset_spec(code)
                release = release_publish(dataset=code, acting_user=None)
            except DomainError as exc:
                if exc.code != "unchanged":
                    failed = True
                self.stdout.write(f"{code}: {exc.message}")
                continue
            self.stdout.write(f"{code}: v{release.version} ({release.row_count} rows) {release.content_sha256}")
        if failed:
            raise CommandError("some datasets were not released")
