"""Data shared by the tests of one module (built once with `django_db_blocker.unblock()`), and emptying the
database after them so the modules after see an empty one."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection


def flush_database() -> None:
    """Empty the database after a module's shared data, for the modules after it (the append-only triggers
    step aside meanwhile)."""
    triggers: list[str] = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%append-only%'")
            rows = cursor.fetchall()
            for name, sql in rows:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                triggers.append(sql)
    truncate_guards: list[tuple[str, str]] = []
    if connection.vendor == "postgresql":  # BEFORE TRUNCATE triggers refuse Django's flush: step aside for it
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE '%%no_truncate'")
            truncate_guards = list(cursor.fetchall())
            for table, name in truncate_guards:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        for sql in triggers:
            cursor.execute(sql)
        for table, name in truncate_guards:
            cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
