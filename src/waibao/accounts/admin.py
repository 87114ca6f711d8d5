"""Django admin for superusers only (is_staff is given to superusers alone); not the main interface."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from waibao.accounts.models import User
from waibao.audit.admin import AuditedReadOnlyMixin


@admin.register(User)
class WaibaoUserAdmin(AuditedReadOnlyMixin, UserAdmin):
    """Read-only: roles and memberships change through the accounts pages, which audit them."""

    list_display = ("username", "full_name", "role", "department", "enterprise", "is_active")
    list_filter = ("role", "is_active", "department")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "waibao",
            {"fields": ("role", "full_name", "phone", "department", "zone", "enterprise", "training_institution")},
        ),
    )


def _unregister_otp_admin() -> None:
    """django-otp registers its device admin; devices are enrolled and reset through the accounts pages (audited),
    so the admin does not show them at all."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)


_unregister_otp_admin()
