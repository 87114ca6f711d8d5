"""Money columns: decimal yuan to integer fen, in place (the next migration makes them bigint)."""

import importlib

from django.db import migrations

from waibao.common.money_migration import scale_money_columns

COLUMNS = {
    "ledger_fundsource": ["annual_amount"],
    "ledger_budgetline": ["budgeted", "committed", "paid"],
    "ledger_commitment": ["amount", "paid", "released"],
    "ledger_ledgerentry": ["amount", "delta_budgeted", "delta_committed", "delta_paid"],
}

TRIGGERS = importlib.import_module("waibao.ledger.migrations.0002_append_only_triggers")


def lift_append_only(schema_editor):
    """Ledger entries refuse UPDATE: lift the trigger for this one rewrite of the stored form."""
    TRIGGERS.backwards(None, schema_editor)


def restore_append_only(schema_editor):
    TRIGGERS.forwards(None, schema_editor)


class Migration(migrations.Migration):
    dependencies = [('ledger', '0002_append_only_triggers')]
    operations = [scale_money_columns(COLUMNS, before=lift_append_only, after=restore_append_only)]
