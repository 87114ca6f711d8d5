"""`waibao demo_accounts`: create or reset one demo account per role and print them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from waibao.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts, one per role, and print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="create the accounts without printing them")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = ensure_demo_accounts()
        if options["quiet"]:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo accounts / 演示账号 (password / 密码: {DEMO_PASSWORD})")
        for account in accounts:
            self.stdout.write(f"  {account.username:<14} {account.role:<22} {account.note}")
        self.stdout.write("")
