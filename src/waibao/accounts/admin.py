"""Django admin for superusers only (is_staff is given to superusers alone); not the main interface."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from waibao.accounts.models import User


@admin.register(User)
class WaibaoUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "department", "enterprise", "is_active")
    list_filter = ("role", "is_active", "department")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "waibao",
            {"fields": ("role", "full_name", "phone", "department", "zone", "enterprise", "training_institution")},
        ),
    )
