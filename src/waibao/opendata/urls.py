from django.urls import path

from waibao.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.jsonld", views.catalogue_jsonld, name="catalogue_jsonld"),
    path("<slug:code>/", views.dataset, name="dataset"),
    path("<slug:code>/dataset.jsonld", views.dataset_jsonld, name="dataset_jsonld"),
    path("<slug:code>/release/", views.publish, name="publish"),
    path("<slug:code>/v<int:version>/dataset.jsonld", views.release_jsonld, name="release_jsonld"),
    path("<slug:code>/v<int:version>/datapackage.json", views.package_descriptor, name="datapackage"),
    path("<slug:code>/v<int:version>.<str:fmt>", views.download, name="download"),
]
