from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "waibao.registry"
    label = "registry"
