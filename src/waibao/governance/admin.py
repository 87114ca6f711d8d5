"""Admin views of departments and duties, for superusers."""

from django.contrib import admin

from waibao.audit.admin import ReadOnlyAdmin
from waibao.governance.models import Department, Duty

admin.site.register([Department, Duty], ReadOnlyAdmin)
