from django.urls import path

from waibao.topten import views

app_name = "topten"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<int:run_id>/", views.public_list, name="public_list"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/action/", views.run_action, name="run_action"),
    path("runs/<int:run_id>/export/", views.run_export, name="run_export"),
    path("reports/", views.report_list, name="reports"),
    path("reports/call/", views.report_call, name="report_call"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:report_id>/", views.report_page, name="report"),
    path("reports/<int:report_id>/action/", views.report_action, name="report_action"),
    path("violations/", views.violation_list, name="violations"),
    path("violations/<int:violation_id>/close/", views.violation_close, name="violation_close"),
]
