from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "waibao.common"
    label = "common"
