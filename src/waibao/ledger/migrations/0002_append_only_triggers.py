"""Database triggers that refuse UPDATE and DELETE on ledger entries (append-only at the database level)."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS ledger_entry_no_update BEFORE UPDATE ON ledger_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS ledger_entry_no_delete BEFORE DELETE ON ledger_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS ledger_entry_no_update;", "DROP TRIGGER IF EXISTS ledger_entry_no_delete;"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% on % refused: ledger entries are append-only', TG_OP, TG_TABLE_NAME; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_ledgerentry;",
    "DROP FUNCTION IF EXISTS ledger_refuse_change();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        # params=None: no placeholder parsing, so the '%' of RAISE EXCEPTION reaches PostgreSQL as written.
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
