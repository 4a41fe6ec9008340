"""A test-local URL configuration mounting the cases API as cpims/api/urls.py will."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from cpims.cases.api import CaseViewSet, ServiceRecordViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("cases", CaseViewSet, basename="case")
router.register("services", ServiceRecordViewSet, basename="servicerecord")

urlpatterns = [path("api/v1/", include((router.urls, "api"), namespace="api"))]
