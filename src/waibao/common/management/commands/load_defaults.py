"""`waibao load_defaults [--dataset PATH]`: load a city's data set (zones, categories, departments …)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from waibao.common import public_cache
from waibao.common.dataset import DatasetError

# Each area that keeps data in the data set registers its loader here, in dependency order.
LOADERS = (
    "waibao.workdays.dataset.load_calendar_dataset",
    "waibao.registry.dataset.load_registry_dataset",
    "waibao.governance.dataset.load_governance_dataset",
    "waibao.governance.dataset.load_group_dataset",
    "waibao.ledger.dataset.load_ledger_dataset",
    "waibao.applications.dataset.load_routing_dataset",
    "waibao.topten.dataset.load_topten_dataset",
    "waibao.recruitment.dataset.load_scarce_talent_dataset",
    "waibao.website.dataset.load_website_dataset",
    "waibao.casework.dataset.load_casework_dataset",
)


class Command(BaseCommand):
    help = "Load (or update) the default data set: zones, service categories, ownership types, departments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", type=Path, default=None, help="folder of YAML files (default: data/default)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils.module_loading import import_string

        folder: Path = options["dataset"] or Path(settings.WAIBAO_DEFAULT_DATASET)
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder")
        try:
            with transaction.atomic():
                for dotted in LOADERS:
                    counts = import_string(dotted)(folder)
                    self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
                # Zones, categories, departments and labels shown on public pages may have changed.
                public_cache.changed(*public_cache.AREAS)
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded data set {folder}"))
