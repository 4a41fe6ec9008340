"""A test-local URL configuration mounting the court API as cpims/api/urls.py will."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from cpims.court.api import CourtOrderViewSet, CourtSessionViewSet, SummonsViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("court-sessions", CourtSessionViewSet, basename="courtsession")
router.register("court-orders", CourtOrderViewSet, basename="courtorder")
router.register("summonses", SummonsViewSet, basename="summons")

urlpatterns = [path("api/v1/", include((router.urls, "api"), namespace="api"))]
