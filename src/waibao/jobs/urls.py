from django.urls import path

from waibao.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/progress/", views.job_progress, name="progress"),
    path("<int:job_id>/cancel/", views.job_cancel_view, name="cancel"),
    path("<int:job_id>/errors.<str:fmt>", views.job_errors, name="errors"),
    path("<int:job_id>/download/", views.job_output, name="output"),
]
