from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "waibao.audit"
    label = "audit"
