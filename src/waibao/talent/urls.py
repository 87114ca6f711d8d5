from django.urls import path

from waibao.talent import views

app_name = "talent"

urlpatterns = [
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/<int:institution_id>/approve/", views.institution_toggle_approved, name="institution_approve"),
]
