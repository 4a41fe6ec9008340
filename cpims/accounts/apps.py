from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cpims.accounts"
    label = "accounts"

    def ready(self) -> None:
        from cpims.accounts import signals

        signals.connect()
