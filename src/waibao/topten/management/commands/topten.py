"""`waibao topten demo [--year 2008] [--seed 2007]`: the top ten of a demo year from the demo city's figures."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = "Top-ten selection (HZ-24)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        demo = sub.add_parser("demo", help="annual reports, a run, its notice and the final list of a demo year")
        demo.add_argument("--year", type=int, default=2008)
        demo.add_argument("--seed", type=int, default=2007)

    def handle(self, *args: Any, **options: Any) -> None:
        from waibao.topten.demo import create_demo_topten

        try:
            result = create_demo_topten(year=options["year"], seed=options["seed"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if result["run"] is None:
            self.stdout.write(f"topten demo: the {result['year']} list already exists")
            return
        self.stdout.write(
            f"topten demo: {result['year']}: {result['reports']} annual reports, run #{result['run']}, "
            f"{result['eligible']} eligible, final list published"
        )
