"""`waibao otp_code USERNAME`: the current one-time code of a demo staff account (refused unless DEBUG)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.accounts.mfa import confirmed_device, current_code
from waibao.accounts.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (development settings only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("otp_code is for the demo only (DEBUG settings); use an authenticator app.")
        user = User.objects.filter(username=options["username"]).first()
        device = confirmed_device(user) if user is not None else None
        if device is None:
            raise CommandError(f"{options['username']}: no enrolled two-factor device")
        self.stdout.write(current_code(device))
