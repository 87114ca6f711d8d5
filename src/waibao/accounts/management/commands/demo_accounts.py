"""`waibao demo_accounts`: create or reset one demo account per role and print them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from waibao.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from waibao.accounts.mfa import base32_secret


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
        self.stdout.write(
            "Office, finance and reviewer accounts also ask for a one-time code (TOTP) after the password;"
        )
        self.stdout.write("办公室、财政和审核账号登录时还需输入动态验证码。Get the current code / 获取当前验证码:")
        self.stdout.write("  .venv/bin/waibao otp_code office      (or add the secret below to an authenticator app)")
        for account in accounts:
            device = TOTPDevice.objects.filter(user__username=account.username, confirmed=True).first()
            if device is not None:
                self.stdout.write(f"  {account.username:<14} {base32_secret(device)}")
        self.stdout.write("")
