"""`waibao audit verify|seal|checkpoint|roles-sql`: the keyed audit chain's tools."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waibao.audit.roles import roles_sql
from waibao.audit.services import audit_checkpoint, audit_seal, audit_verify, parse_checkpoints


class Command(BaseCommand):
    help = (
        "Audit trail tools. verify [--checkpoint FILE]: check every event, its key and the chain (and hold it "
        "against checkpoints kept outside the database). seal: link events still waiting (after a crash). "
        "checkpoint [--file FILE]: print the chain's head (sequence, hash, time) and append it to FILE. "
        "roles-sql: the PostgreSQL roles and grants of the production section of the README."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "checkpoint", "roles-sql"])
        parser.add_argument("--checkpoint", action="append", default=[], help="verify: a checkpoint file (repeatable)")
        parser.add_argument("--file", help="checkpoint: append the checkpoint to this file (created 0600)")
        parser.add_argument("--app-role", default="waibao_app", help="roles-sql: the role the platform runs as")
        parser.add_argument("--owner-role", default="waibao_owner", help="roles-sql: the role that migrates")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "seal":
            self.stdout.write(f"Sealed {audit_seal(wait=True)} waiting audit event(s).")
        elif action == "checkpoint":
            self._checkpoint(options["file"])
        elif action == "roles-sql":
            self.stdout.write(roles_sql(app_role=options["app_role"], owner_role=options["owner_role"]))
        else:
            self._verify(options["checkpoint"])

    def _checkpoint(self, file: str | None) -> None:
        line = audit_checkpoint().to_json()
        if file:
            fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line + "\n")
        self.stdout.write(line)

    def _verify(self, files: list[str]) -> None:
        checkpoints = []
        for file in files:
            try:
                checkpoints.extend(parse_checkpoints(Path(file).read_text(encoding="utf-8")))
            except OSError as exc:
                raise CommandError(f"Cannot read the checkpoint file {file}: {exc.strerror}") from None
            except ValueError as exc:
                raise CommandError(f"The checkpoint file {file} is not valid: {exc}") from None
        report = audit_verify(checkpoints=checkpoints)
        held = f", held against {len(checkpoints)} checkpoint(s)" if checkpoints else ""
        if report.ok:
            self.stdout.write(f"OK: {report.checked} audit events, chain intact{held}.")
            return
        where = f"audit event {report.broken_event_id}" if report.broken_event_id is not None else "the chain's end"
        raise CommandError(f"BROKEN at {where}: {report.reason} ({report.checked} events before it are intact).")
