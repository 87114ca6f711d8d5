"""A payment as finance records it: voucher number, payment date, payee account, bank reference.

On SQLite adding columns rebuilds the table, which drops its append-only triggers: they are put back at the end."""

from django.conf import settings
from django.db import migrations, models

from waibao.ledger.migrations import _append_only


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _append_only.SQLITE_UP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0002_append_only_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgerentry',
            name='bank_reference',
            field=models.CharField(blank=True, max_length=100, verbose_name='bank reference'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='paid_on',
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name='payment date'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='payee_account',
            field=models.CharField(blank=True, max_length=64, verbose_name='payee account'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='voucher_number',
            field=models.CharField(blank=True, max_length=64, verbose_name='voucher number'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'payment'), models.Q(('voucher_number', ''), _negated=True)), fields=('voucher_number',), name='ledger_payment_voucher_unique'),
        ),
        migrations.RunPython(restore_triggers, migrations.RunPython.noop),
    ]
