from django.urls import path

from waibao.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enterprises/", views.enterprise_index, name="enterprises"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_new, name="enterprise_new"),
    path("enterprises/import/", views.enterprise_import_view, name="enterprise_import"),
    path(
        "enterprises/import/template.xlsx",
        views.enterprise_import_template,
        name="enterprise_import_template",
    ),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:enterprise_id>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:enterprise_id>/action/", views.enterprise_action, name="enterprise_action"),
    path("my/", views.my_enterprise, name="my_enterprise"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<slug:kind>/<int:request_id>/", views.request_decide, name="request_decide"),
    path("zones/new/", views.zone_edit, name="zone_new"),
    path("zones/<slug:code>/edit/", views.zone_edit, name="zone_edit"),
]
