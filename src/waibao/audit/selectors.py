"""Reading the audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from waibao.audit.models import AuditEvent
from waibao.audit.services import object_key


def history_for(obj: models.Model) -> QuerySet[AuditEvent]:
    object_type, object_id = object_key(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-id")
