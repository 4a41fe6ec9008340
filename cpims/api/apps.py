from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cpims.api"
    label = "api"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_menu_entry

        register_menu_entry("api:token_list", _("API tokens"), P.API_TOKEN_MANAGE, "admin", 200)
        register_menu_entry("api:docs", _("API documentation"), P.API_TOKEN_MANAGE, "admin", 210)

        from cpims.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
