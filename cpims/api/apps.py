from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "api_token.create": _("Created an API token"),
    "api_token.revoke": _("Revoked an API token"),
}


class ApiConfig(CpimsAppConfig):
    name = "cpims.api"
    label = "api"
    menu = [
        MenuEntry("api:token_list", _("API tokens"), P.API_TOKEN_MANAGE, "admin", 200),
        MenuEntry("api:docs", _("API documentation"), P.API_TOKEN_MANAGE, "admin", 210),
    ]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

        from cpims.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
