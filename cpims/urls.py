from django.urls import include, path

from cpims.core.views import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("cpims.core.urls")),
    path("accounts/", include("cpims.accounts.urls")),
    path("org-units/", include("cpims.geo.urls")),
    path("audit/", include("cpims.audit.urls")),
    path("children/", include("cpims.registry.urls")),
    path("cases/", include("cpims.cases.urls")),
    path("api/v1/", include("cpims.api.urls")),
]
