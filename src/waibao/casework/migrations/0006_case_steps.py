"""Each case keeps its status history as the time limits read it (`Case.steps`), filled here from `CaseChange`."""

from django.db import migrations, models

CHUNK = 2_000


def fill_steps(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("casework", "Case")
    CaseChange = apps.get_model("casework", "CaseChange")
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        steps: dict[int, list[list[str]]] = {pk: [] for pk in chunk}
        rows = CaseChange.objects.filter(case_id__in=chunk).order_by("case_id", "at", "pk")
        for case_id, on, status, action in rows.values_list("case_id", "on", "status", "action"):
            steps[case_id].append([on.isoformat(), status, action])
        cases = [Case(pk=pk, steps=value) for pk, value in steps.items()]
        Case.objects.bulk_update(cases, ["steps"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_reminder_per_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="steps",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill_steps, migrations.RunPython.noop),
    ]
