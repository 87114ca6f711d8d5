"""The Django admin only reads: audited data changes through the services, which write the audit trail.

An admin form saves the model directly, past the services and without an audit event (the security review
moved an enterprise to "recognised" that way). Every model registered in the admin uses `ReadOnlyAdmin`
(or `AuditedReadOnlyMixin` on a ModelAdmin of its own); `tests/audit/test_admin_read_only.py` checks them all.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from waibao.audit.models import AuditEvent


class AuditedReadOnlyMixin:
    """No add, change or delete in the admin: superusers look; the platform's pages and commands change."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(AuditedReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "summary")
