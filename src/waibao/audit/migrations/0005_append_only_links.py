"""Drop the unkeyed chain's columns; links are append-only; PostgreSQL refuses TRUNCATE of the audit tables.

SQLite rebuilds a table to drop a column, which drops its triggers: they are created again here.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_link_no_update BEFORE UPDATE ON audit_auditchainlink
       BEGIN SELECT RAISE(ABORT, 'audit chain links are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_link_no_delete BEFORE DELETE ON audit_auditchainlink
       BEGIN SELECT RAISE(ABORT, 'audit chain links are append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_link_no_update;", "DROP TRIGGER IF EXISTS audit_link_no_delete;"]

POSTGRES_UP = [
    """CREATE TRIGGER audit_link_append_only BEFORE UPDATE OR DELETE ON audit_auditchainlink
       FOR EACH ROW EXECUTE FUNCTION waibao_refuse_change();""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION waibao_refuse_change();""",
    """CREATE TRIGGER audit_link_no_truncate BEFORE TRUNCATE ON audit_auditchainlink
       FOR EACH STATEMENT EXECUTE FUNCTION waibao_refuse_change();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_link_append_only ON audit_auditchainlink;",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_link_no_truncate ON audit_auditchainlink;",
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
    dependencies = [("audit", "0004_seal_existing_events")]
    operations = [
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditchainhead", name="last_event_id"),
        migrations.RunPython(forwards, backwards),
    ]
