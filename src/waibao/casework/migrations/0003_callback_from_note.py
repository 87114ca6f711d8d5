"""Carry the free-text callback notes of the first version into structured callbacks (channel "other",
satisfaction not recorded, dated at the rectification), so old rectifications stay readable."""

import datetime

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    Rating = apps.get_model("casework", "Rating")
    Callback = apps.get_model("casework", "Callback")
    for rating in Rating.objects.exclude(callback_note="").filter(callback__isnull=True):
        day = rating.rectified_on or rating.on
        Callback.objects.create(
            rating=rating,
            called_by=None,
            called_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
            channel="other",
            satisfied=None,
            note=rating.callback_note,
        )


def backward(apps, schema_editor):
    Rating = apps.get_model("casework", "Rating")
    Callback = apps.get_model("casework", "Callback")
    for callback in Callback.objects.all():
        Rating.objects.filter(pk=callback.rating_id).update(callback_note=callback.note)


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_callback_supervision_scarce_talent")]

    operations = [migrations.RunPython(forward, backward)]
