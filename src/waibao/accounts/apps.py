from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "waibao.accounts"
    label = "accounts"
