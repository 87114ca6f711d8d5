from django.urls import path

from waibao.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("new/", views.calendar_edit, name="new"),
    path("<int:year>/", views.calendar_year, name="year"),
    path("<int:year>/edit/", views.calendar_edit, name="edit"),
]
