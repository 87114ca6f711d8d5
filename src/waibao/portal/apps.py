from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "waibao.portal"
    label = "portal"
