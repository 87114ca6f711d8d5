"""A finished case keeps its final badge per limit (`Case.*_badge`) and the calendar they were counted with,
filled here for the cases finished already, by the clocks the board counts them with."""

import datetime

from django.db import migrations, models

CHUNK = 2_000
DONE = ("answered", "closed")  # casework.models.DONE_STATUSES


def fill_badges(apps, schema_editor):  # type: ignore[no-untyped-def]
    from waibao.casework.clocks import final_badges
    from waibao.workdays.calendar import build_calendar

    Case = apps.get_model("casework", "Case")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    holidays, workdays = [], []
    for day, kind in SpecialDay.objects.values_list("date", "kind"):
        (workdays if kind == "workday" else holidays).append(day)
    calendar = build_calendar(list(CalendarYear.objects.values_list("year", flat=True)), holidays, workdays)
    ids = list(Case.objects.filter(status__in=DONE).order_by("pk").values_list("pk", flat=True))
    fromisoformat = datetime.date.fromisoformat
    for start in range(0, len(ids), CHUNK):
        rows = Case.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk",
            "extension_days",
            "case_type__acceptance_days",
            "case_type__first_response_days",
            "case_type__resolution_days",
            "steps",
        )
        found = final_badges(
            (
                (
                    pk,
                    {"acceptance": acceptance, "first_response": first, "resolution": resolution + extension},
                    [(fromisoformat(on), status, action) for on, status, action in steps],
                )
                for pk, extension, acceptance, first, resolution, steps in rows
            ),
            calendar=calendar,
        )
        cases = [
            Case(
                pk=pk,
                acceptance_badge=acceptance,
                first_response_badge=first,
                resolution_badge=resolution,
                badges_calendar=calendar.fingerprint,
            )
            for pk, (acceptance, first, resolution) in found.items()
        ]
        Case.objects.bulk_update(
            cases,
            ["acceptance_badge", "first_response_badge", "resolution_badge", "badges_calendar"],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_case_steps"),
        ("workdays", "0001_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="acceptance_badge",
            field=models.CharField(blank=True, editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name="case",
            name="first_response_badge",
            field=models.CharField(blank=True, editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name="case",
            name="resolution_badge",
            field=models.CharField(blank=True, editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name="case",
            name="badges_calendar",
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.RunPython(fill_badges, migrations.RunPython.noop),
    ]
