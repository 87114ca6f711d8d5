from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "waibao.statistics"
    label = "statistics"
