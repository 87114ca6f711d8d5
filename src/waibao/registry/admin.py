"""Admin views of registry data, for superusers: read-only (changes go through the services and the audit)."""

from django.contrib import admin

from waibao.audit.admin import ReadOnlyAdmin
from waibao.registry.models import Enterprise, InfrastructureItem, OwnershipType, ServiceCategory, Zone


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name_zh", "credit_code", "status", "zone")
    list_filter = ("status", "zone")
    search_fields = ("name_zh", "name_en", "credit_code")


admin.site.register([Zone, ServiceCategory, OwnershipType, InfrastructureItem], ReadOnlyAdmin)
