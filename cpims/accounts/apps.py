from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cpims.accounts"
    label = "accounts"
