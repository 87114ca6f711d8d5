"""Ownership joins the summary rollup's key, so ownership questions read the small table; rows are rebuilt."""

from typing import Any

from django.db import migrations, models
from django.db.models import Sum

KEY = ("year", "month", "zone", "top_level", "country", "ownership", "offshore")
SUMS = (
    "contract_count",
    "contract_amount_cny",
    "contract_amount_usd",
    "execution_count",
    "executed_amount_cny",
    "executed_amount_usd",
)


def rebuild_summary(apps: Any, schema_editor: Any) -> None:
    summary = apps.get_model("statistics", "SummaryRollup")
    detail = apps.get_model("statistics", "IndicatorRollup")
    summary.objects.all().delete()
    rows = detail.objects.values(*KEY).annotate(**{f"s_{name}": Sum(name) for name in SUMS}).order_by()
    summary.objects.bulk_create(
        (summary(**{k: r[k] for k in KEY}, **{name: r[f"s_{name}"] for name in SUMS}) for r in rows.iterator()),
        batch_size=2000,
    )


def ownerless_summary(apps: Any, schema_editor: Any) -> None:
    summary = apps.get_model("statistics", "SummaryRollup")
    detail = apps.get_model("statistics", "IndicatorRollup")
    summary.objects.all().delete()
    key = tuple(k for k in KEY if k != "ownership")
    rows = detail.objects.values(*key).annotate(**{f"s_{name}": Sum(name) for name in SUMS}).order_by()
    summary.objects.bulk_create(
        (summary(**{k: r[k] for k in key}, **{name: r[f"s_{name}"] for name in SUMS}) for r in rows.iterator()),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="summaryrollup",
            name="stats_summary_rollup_key",
        ),
        migrations.AddField(
            model_name="summaryrollup",
            name="ownership",
            field=models.CharField(blank=True, default="", max_length=3),
        ),
        migrations.RunPython(rebuild_summary, ownerless_summary),
        migrations.AddConstraint(
            model_name="summaryrollup",
            constraint=models.UniqueConstraint(
                fields=("year", "month", "zone", "top_level", "country", "ownership", "offshore"),
                name="stats_summary_rollup_key",
            ),
        ),
    ]
