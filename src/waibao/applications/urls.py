"""Application URLs under /applications/, and the public notice at /notice/ (included at the site root)."""

from django.urls import path

from waibao.applications import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.my_applications, name="mine"),
    path("applications/new/", views.application_new, name="new"),
    path("applications/all/", views.application_index, name="index"),
    path("applications/queue/", views.work_queue, name="queue"),
    path("applications/notifications/", views.notifications, name="notifications"),
    path("applications/routing/", views.routing_index, name="routing"),
    path("applications/routing/<str:rule_id>/", views.routing_edit, name="routing_edit"),
    path("applications/<int:application_id>/", views.application_detail, name="detail"),
    path("applications/<int:application_id>/edit/", views.application_edit, name="edit"),
    path("applications/<int:application_id>/action/", views.application_action, name="action"),
    path("applications/<int:application_id>/recommend/", views.application_recommend_view, name="recommend"),
    path("applications/<int:application_id>/confirm-hire/", views.application_confirm_hire_view, name="confirm_hire"),
    path("applications/<int:application_id>/resolve/", views.objection_resolve_view, name="resolve"),
    path("applications/<int:application_id>/pay/", views.application_pay_view, name="pay"),
    path("applications/<int:application_id>/trainee-id/", views.trainee_id_reveal_view, name="trainee_id"),
    path("applications/<int:application_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "applications/<int:application_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("notice/", views.notice, name="notice"),
]
