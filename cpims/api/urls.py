"""/api/v1/: the REST API (router), its schema and docs, and the API token pages.

The token pages are HTML for people; they live here because this module is mounted at /api/v1/.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from cpims.accounts.api import MeView, UserViewSet
from cpims.api import views
from cpims.api.api import ApiTokenViewSet
from cpims.audit.api import AuditEventViewSet
from cpims.care import api as care_api
from cpims.cases.api import CaseViewSet, EmergencyAccessViewSet, ServiceRecordViewSet
from cpims.core.api import CodeListViewSet, PrivateFileView
from cpims.court.api import CourtOrderViewSet, CourtSessionViewSet, SummonsViewSet
from cpims.ctip import api as ctip_api
from cpims.geo.api import AreaViewSet, OrgUnitViewSet
from cpims.imports import api as imports_api
from cpims.intake.api import IntakeReportCreateView
from cpims.integrations.dhis2 import api as dhis2_api
from cpims.integrations.iprs import api as iprs_api
from cpims.justice import api as justice_api
from cpims.legacy import api as legacy_api
from cpims.offline import api as offline_api
from cpims.privacy.api import BreachViewSet, SubjectRequestViewSet
from cpims.referrals.api import ReferralViewSet, TransferViewSet
from cpims.registry.api import ChildViewSet
from cpims.reporting import api as reporting_api
from cpims.retention import api as retention_api
from cpims.returns import api as returns_api

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # one URL per resource; the format comes from Accept

router.register("api-tokens", ApiTokenViewSet, basename="apitoken")
router.register("users", UserViewSet, basename="user")
router.register("areas", AreaViewSet, basename="area")
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("code-lists", CodeListViewSet, basename="codelist")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("children", ChildViewSet, basename="child")
router.register("cases", CaseViewSet, basename="case")
router.register("services", ServiceRecordViewSet, basename="servicerecord")
router.register("emergency-access", EmergencyAccessViewSet, basename="emergencyaccess")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("court-sessions", CourtSessionViewSet, basename="courtsession")
router.register("court-orders", CourtOrderViewSet, basename="courtorder")
router.register("summonses", SummonsViewSet, basename="summons")
router.register("subject-requests", SubjectRequestViewSet, basename="subjectrequest")
router.register("breaches", BreachViewSet, basename="breach")

# Apps from the care and reporting issues register their own viewsets and plain API views.
APP_APIS = (
    care_api,
    reporting_api,
    returns_api,
    dhis2_api,
    retention_api,
    justice_api,
    iprs_api,
    ctip_api,
    legacy_api,
    imports_api,
    offline_api,
)
for _app_api in APP_APIS:
    _app_api.register_routes(router)

# Each app's viewsets use cpims.accounts.drf.ScopedViewSetMixin, except audit events: national and
# list-only, they have no scope fields and check audit.view themselves.

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("intake/", IntakeReportCreateView.as_view(), name="intake-create"),
    path("files/<str:token>/", PrivateFileView.as_view(), name="files-fetch"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    *[p for _app_api in APP_APIS for p in _app_api.api_urlpatterns],
    path("", include(router.urls)),
]
