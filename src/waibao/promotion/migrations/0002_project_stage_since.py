"""Each project keeps the day it entered its current stage (the day of its latest stage change), written by the
services with the change; existing projects get it from their history."""

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_history(apps: Any, schema_editor: Any) -> None:
    Project = apps.get_model("promotion", "Project")
    StageChange = apps.get_model("promotion", "StageChange")
    latest = StageChange.objects.filter(project=OuterRef("pk")).order_by("-at", "-pk").values("on")[:1]
    Project.objects.update(stage_since=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("promotion", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="stage_since",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="in this stage since"),
        ),
        migrations.RunPython(from_history, migrations.RunPython.noop),
    ]
