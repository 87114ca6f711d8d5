"""`waibao promotion demo`: demo investment-promotion projects and events (demo databases only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Investment promotion: demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("demo", help="demo projects and events for the demo accounts (demo databases only)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waibao.promotion.demo import ensure_demo_promotion

        self.stdout.write(f"promotion demo: {ensure_demo_promotion()} projects")
