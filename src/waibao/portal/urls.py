from django.urls import path

from waibao.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/", views.departments, name="departments"),
    path("work/", views.work_home, name="work"),
    path("zones/", views.zones, name="zones"),
    path("zones/<slug:code>/", views.zone_detail, name="zone_detail"),
]
