from django.urls import path

from waibao.governance import meeting_views, views

app_name = "governance"

urlpatterns = [
    path("duties/", views.duty_list, name="duties"),
    path("duties/export/", views.duty_export, name="duties_export"),
    path("duties/<int:duty_id>/", views.duty_page, name="duty"),
    path("duties/<int:duty_id>/report/", views.duty_report_view, name="duty_report"),
    path("duties/<int:duty_id>/assign/", views.duty_assign_view, name="duty_assign"),
    path("duties/<int:duty_id>/milestones/", views.milestone_view, name="milestone_add"),
    path("duties/<int:duty_id>/milestones/<int:milestone_id>/done/", views.milestone_view, name="milestone_done"),
    path("duties/<int:duty_id>/reports/<int:report_id>/decide/", views.duty_decide_view, name="duty_decide"),
    path("duties/<int:duty_id>/reports/<int:report_id>/file/", views.duty_file, name="duty_file"),
    path("cockpit/", meeting_views.cockpit_page, name="cockpit"),
    path("group/", meeting_views.members_page, name="members"),
    path("group/<int:member_id>/replace/", meeting_views.member_replace, name="member_replace"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/<int:meeting_id>/", meeting_views.meeting_page, name="meeting"),
    path("meetings/<int:meeting_id>/action/", meeting_views.meeting_action, name="meeting_action"),
    path("meetings/<int:meeting_id>/minutes/", meeting_views.meeting_print, name="minutes"),
    path("meetings/<int:meeting_id>/invitation.ics", meeting_views.meeting_ics, name="meeting_ics"),
]
