from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "waibao.applications"
    label = "applications"
