from django.urls import include, path

from cpims.site.views import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("cpims.site.urls")),
    path("", include("cpims.core.urls")),
    path("accounts/", include("cpims.accounts.urls")),
    path("org-units/", include("cpims.geo.urls")),
    path("audit/", include("cpims.audit.urls")),
    path("children/", include("cpims.registry.urls")),
    path("cases/", include("cpims.cases.urls")),
    path("referrals/", include("cpims.referrals.urls")),
    path("court/", include("cpims.court.urls")),
    path("care/", include("cpims.care.urls")),
    path("justice/", include("cpims.justice.urls")),
    path("reports/", include("cpims.reporting.urls")),
    path("returns/", include("cpims.returns.urls")),
    path("privacy/", include("cpims.privacy.urls")),
    path("retention/", include("cpims.retention.urls")),
    path("ctip/", include("cpims.ctip.urls")),
    path("dashboards/", include("cpims.reporting.dashboards.urls")),
    path("dhis2/", include("cpims.integrations.dhis2.urls")),
    path("iprs/", include("cpims.integrations.iprs.urls")),
    path("legacy/", include("cpims.legacy.urls")),
    path("imports/", include("cpims.imports.urls")),
    path("offline/", include("cpims.offline.urls")),
    # Intake holds both the public "report a concern" page and the officers' triage queue.
    path("", include("cpims.intake.urls")),
    path("api/v1/", include("cpims.api.urls")),
]
