"""A test-only URLconf mounting the geo and code-list APIs as the project router will."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from cpims.core.api import CodeListViewSet
from cpims.geo.api import AreaViewSet, OrgUnitViewSet

router = SimpleRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("code-lists", CodeListViewSet, basename="code-list")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("cpims.urls")),
]
