"""`waibao demo --enterprises N --seed S`: a plausible synthetic city (deterministic for a seed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.registry.demo import create_demo_enterprises
from waibao.registry.models import Zone


class Command(BaseCommand):
    help = "Create demo enterprises: valid credit codes, Chinese names, zones, categories, ownership types."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2007)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["enterprises"]
        if count < 0 or count > 1_000_000:
            raise CommandError("--enterprises must be between 0 and 1,000,000")
        if not Zone.objects.exists():
            raise CommandError("No zones: run `waibao load_defaults` first.")
        created = create_demo_enterprises(count=count, seed=options["seed"])
        self.stdout.write(f"Demo enterprises: {created} created ({count - created} already present).")
