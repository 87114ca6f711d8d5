"""Database triggers that refuse UPDATE and DELETE on releases and their files: a published release never
changes (append-only at the database level, as the ledger's entries)."""

from django.db import migrations

TABLES = ("opendata_release", "opendata_releasefile")

SQLITE_UP = [
    sql
    for table in TABLES
    for sql in (
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'open-data releases are append-only'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'open-data releases are append-only'); END;""",
    )
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {t}_{op};" for t in TABLES for op in ("no_update", "no_delete")]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION opendata_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% on % refused: open-data releases are append-only', TG_OP, TG_TABLE_NAME; END;
       $$ LANGUAGE plpgsql;""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION opendata_refuse_change();"""
        for table in TABLES
    ),
]
POSTGRES_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES),
    "DROP FUNCTION IF EXISTS opendata_refuse_change();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
