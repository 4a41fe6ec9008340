"""A test-local URL configuration mounting the registry API as cpims/api/urls.py will."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from cpims.registry.api import ChildViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("children", ChildViewSet, basename="child")

urlpatterns = [path("api/v1/", include((router.urls, "api"), namespace="api"))]
