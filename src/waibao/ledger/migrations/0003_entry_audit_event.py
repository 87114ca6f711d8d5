"""Tie every ledger entry to its audit event; PostgreSQL refuses TRUNCATE of the entries.

Existing entries are matched to the event that recorded them (`data.entry_id`, or the event of a budget load
whose object is the entry). SQLite rebuilds the table to add the column, which drops its triggers: they are
created again here.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS ledger_entry_no_update BEFORE UPDATE ON ledger_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS ledger_entry_no_delete BEFORE DELETE ON ledger_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;""",
]
POSTGRES_TRUNCATE = [
    """CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_ledgerentry
       FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();""",
]


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    LedgerEntry = apps.get_model("ledger", "LedgerEntry")
    if not LedgerEntry.objects.exists():
        return
    found: dict[int, int] = {}
    for event in AuditEvent.objects.filter(action__startswith="ledger.").values("id", "object_type", "object_id", "data"):
        entry_id = (event["data"] or {}).get("entry_id")
        if entry_id is None and event["object_type"] == "ledger.ledgerentry" and event["object_id"].isdigit():
            entry_id = int(event["object_id"])
        if entry_id is not None:
            found.setdefault(int(entry_id), event["id"])
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_entry_append_only")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_entry_no_update")
    for entry_id in LedgerEntry.objects.values_list("id", flat=True):
        if entry_id in found:
            LedgerEntry.objects.filter(pk=entry_id).update(audit_event_id=found[entry_id])
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE ledger_ledgerentry ENABLE TRIGGER ledger_entry_append_only")


def triggers(apps, schema_editor):
    statements = POSTGRES_TRUNCATE if schema_editor.connection.vendor == "postgresql" else SQLITE_TRIGGERS
    for sql in statements:
        schema_editor.execute(sql, params=None)


def triggers_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_entry_no_truncate ON ledger_ledgerentry")


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_append_only_links"), ("ledger", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="audit_event",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ledger_entry",
                to="audit.auditevent",
                verbose_name="audit event",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(triggers, triggers_down),
    ]
