from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "waibao.api"
    label = "api"
