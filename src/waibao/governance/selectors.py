"""Reads of departments and duties."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from waibao.governance.models import Department, Duty


def departments_with_duties() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).prefetch_related(
        Prefetch("duties", queryset=Duty.objects.prefetch_related("partners").order_by("number"))
    )
