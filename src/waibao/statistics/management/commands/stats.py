"""`waibao stats …`: rate, contract and execution imports, indicators as JSON, demo data, rollup checks."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.common.errors import DomainError
from waibao.common.tabular import TableImportError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Statistics: import-rates, import-contracts, import-executions, indicators, demo, check/rebuild-rollups."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rates = sub.add_parser("import-rates", help="load exchange rates: columns date,currency,cny_per_unit")
        rates.add_argument("file", type=Path)
        for name, columns in (
            (
                "import-contracts",
                "credit_code,contract_no,client_name,client_country,category,currency,amount,signed_date",
            ),
            ("import-executions", "credit_code,contract_no,date,currency,amount,receipt_ref"),
        ):
            p = sub.add_parser(name, help=f"CSV or XLSX with columns {columns}; all rows or none")
            p.add_argument("file", type=Path)
            p.add_argument("--approve", action="store_true", help="historical data already reviewed: count it at once")
        ind = sub.add_parser("indicators", help="approved contract and executed amounts for a date range")
        ind.add_argument("--from", dest="date_from", required=True)
        ind.add_argument("--to", dest="date_to", required=True)
        ind.add_argument(
            "--by",
            choices=[
                "zone",
                "category",
                "subcategory",
                "country",
                "ownership",
                "month",
                "quarter",
                "year",
                "enterprise",
            ],
        )
        ind.add_argument("--json", action="store_true", help="print JSON (the stable format)")
        demo = sub.add_parser("demo", help="demo contracts, executions, staffing reports and rates (idempotent)")
        demo.add_argument("--seed", type=int, default=2007)
        sub.add_parser("check-rollups", help="compare the rollup with a recomputation from approved records")
        sub.add_parser("rebuild-rollups", help="replace the rollup with a recomputation")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "import-rates":
                self._import("rates", options)
            elif action in ("import-contracts", "import-executions"):
                self._import(action.split("-")[1], options)
            elif action == "indicators":
                self._indicators(options)
            elif action == "demo":
                from waibao.statistics.demo import create_demo_statistics

                counts = create_demo_statistics(seed=options["seed"])
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
            elif action == "check-rollups":
                from waibao.statistics.rollup import differences

                problems = differences()
                for line in problems[:50]:
                    self.stderr.write(line)
                if problems:
                    self.stderr.write(f"{len(problems)} rollup row(s) differ from a recomputation")
                    sys.exit(1)
                self.stdout.write("The rollup equals a recomputation from the approved records.")
            elif action == "rebuild-rollups":
                from waibao.statistics.rollup import rebuild

                self.stdout.write(f"Rollup rebuilt: {rebuild()} row(s).")
        except TableImportError as exc:
            self.stderr.write(str(exc.message))
            for error in exc.errors:
                self.stderr.write(f"row {error.row}, column {error.column}: {error.message}")
            if exc.unchecked_rows:
                self.stderr.write(f"checking stopped; {exc.unchecked_rows} more row(s) not checked")
            sys.exit(2)
        except DomainError as exc:
            self.stderr.write(str(exc.message))
            sys.exit(2)

    def _import(self, kind: str, options: dict[str, Any]) -> None:
        from waibao.statistics import services

        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"{path}: no such file")
            sys.exit(2)

        def progress(*, rows_read: int, rows_valid: int, errors: int) -> None:
            self.stderr.write(f"\r{rows_read:,} rows read, {rows_valid:,} valid, {errors:,} errors", ending="")
            self.stderr.flush()

        with path.open("rb") as stream:
            if kind == "rates":
                result = services.exchange_rates_import(acting_user=None, stream=stream, filename=path.name)
                self.stdout.write(f"Exchange rates: {result.created} created, {result.updated} updated.")
                return
            importer = services.contracts_import if kind == "contracts" else services.executions_import
            result = importer(
                acting_user=None,
                stream=stream,
                filename=path.name,
                approve=options["approve"],
                progress=progress,
            )
        self.stderr.write("")
        state = "approved" if options["approve"] else "draft"
        self.stdout.write(f"Imported {result.created} {kind} ({state}).")

    def _indicators(self, options: dict[str, Any]) -> None:
        from waibao.statistics.selectors import indicators

        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_to < date_from:
            raise CommandError("--to is before --from")
        rows = indicators(date_from=date_from, date_to=date_to, by=options["by"])
        if options["json"]:
            self.stdout.write(json.dumps({"rows": [r.as_json() for r in rows]}, ensure_ascii=False))
            return
        headers = [
            "key",
            "contract_count",
            "contract_amount_usd",
            "executed_amount_usd",
            "executed_amount_offshore_usd",
        ]
        self.stdout.write("\t".join(headers))
        for row in rows:
            data = row.as_json()
            self.stdout.write("\t".join(str(data[h]) for h in headers))
