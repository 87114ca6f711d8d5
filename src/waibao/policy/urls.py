"""Policy pages, mounted at /policy/ by config/urls.py."""

from __future__ import annotations

from django.urls import path

from waibao.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_index, name="index"),
    path("entitlements/", views.entitlements_start, name="entitlements"),
    path("entitlements/<int:enterprise_id>/", views.entitlements_enterprise, name="entitlements_enterprise"),
]
