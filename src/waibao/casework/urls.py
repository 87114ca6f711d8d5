from django.urls import path

from waibao.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("file/<slug:code>/", views.file_case, name="file"),
    path("public/file/<slug:code>/", views.public_file, name="public_file"),
    path("public/verify/", views.public_verify, name="public_verify"),
    path("track/", views.track, name="track"),
    path("workbench/", views.workbench_page, name="workbench"),
    path("board/", views.board_page, name="board"),
    path("figures/", views.figures_page, name="figures"),
    path("export.xlsx", views.export, name="export"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/", views.act, name="act"),
    path("<str:number>/note/", views.note, name="note"),
    path("<str:number>/extension/", views.extension, name="extension"),
    path("<str:number>/rate/", views.rate, name="rate"),
    path("<str:number>/rectify/", views.rectify, name="rectify"),
    path("<str:number>/supervise/", views.supervise, name="supervise"),
]
