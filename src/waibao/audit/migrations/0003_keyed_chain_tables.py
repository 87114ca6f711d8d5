"""The keyed chain's tables: each event's HMAC and key id, the chain links, the queue of events to seal."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(model_name="auditevent", name="key_id", field=models.CharField(default="", max_length=32)),
        migrations.AddField(model_name="auditevent", name="mac", field=models.CharField(default="", max_length=64)),
        migrations.AddField(
            model_name="auditchainhead", name="last_sequence", field=models.BigIntegerField(default=0)
        ),
        migrations.CreateModel(
            name="AuditChainLink",
            fields=[
                ("sequence", models.BigIntegerField(primary_key=True, serialize=False)),
                ("key_id", models.CharField(max_length=32)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("sealed_at", models.DateTimeField()),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="link", to="audit.auditevent"
                    ),
                ),
            ],
            options={
                "ordering": ["sequence"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("sequence__gt", 0)), name="audit_link_sequence_positive")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
            ],
        ),
    ]
