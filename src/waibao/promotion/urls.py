from django.urls import path

from waibao.promotion import views

app_name = "promotion"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.project_list, name="list"),
    path("list/export/", views.project_export, name="export"),
    path("new/", views.project_new, name="new"),
    path("figures/", views.figures, name="figures"),
    path("figures/export/", views.figures_export, name="figures_export"),
    path("events/", views.event_list, name="events"),
    path("events/<int:event_id>/", views.event_page, name="event"),
    path("<int:project_id>/", views.project_page, name="project"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/move/", views.project_move, name="move"),
    path("<int:project_id>/next-action/", views.project_next_action, name="next_action"),
    path("<int:project_id>/documents/", views.project_document, name="documents"),
    path("<int:project_id>/documents/<int:document_id>/file/", views.document_file, name="document_file"),
]
