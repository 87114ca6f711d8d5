"""`waibao calendar generate|load|show|add`: the working-day calendar from the command line."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.common.dataset import DatasetError
from waibao.common.errors import DomainError


class Command(BaseCommand):
    help = "Working-day calendar: draft a year from the holidays library, load a year file, show a year, add days."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="write calendar/<year>.yaml drafted from the holidays library")
        gen.add_argument("--year", type=int, action="append", required=True)
        gen.add_argument("--out", type=Path, default=Path("data/default/calendar"))
        load = sub.add_parser("load", help="load (or replace) years from calendar YAML files")
        load.add_argument("files", type=Path, nargs="+")
        show = sub.add_parser("show", help="list a year's holidays and make-up working days")
        show.add_argument("year", type=int)
        add = sub.add_parser("add", help="the date N working days after (or before, N < 0) a date")
        add.add_argument("date", type=datetime.date.fromisoformat)
        add.add_argument("n", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _generate(self, options: dict[str, Any]) -> None:
        from waibao.workdays.generate import as_yaml, draft_year

        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for year in options["year"]:
            path = out / f"{year}.yaml"
            path.write_text(as_yaml(draft_year(year)), encoding="utf-8")
            self.stdout.write(str(path))

    def _load(self, options: dict[str, Any]) -> None:
        import shutil
        import tempfile

        from django.db import transaction

        from waibao.workdays.dataset import load_calendar_dataset

        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "calendar"
            folder.mkdir()
            for path in options["files"]:
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
                shutil.copy(path, folder / path.name)
            try:
                with transaction.atomic():
                    counts = load_calendar_dataset(Path(tmp))
            except DatasetError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))

    def _show(self, options: dict[str, Any]) -> None:
        from waibao.workdays.selectors import calendar_year_days

        days = calendar_year_days(options["year"])
        if not days:
            raise CommandError(f"{options['year']}: not loaded")
        for day in days:
            self.stdout.write(f"{day.date.isoformat()}  {day.get_kind_display()}  {day.name}")

    def _add(self, options: dict[str, Any]) -> None:
        from waibao.workdays.selectors import add_working_days

        self.stdout.write(add_working_days(options["date"], options["n"]).isoformat())
