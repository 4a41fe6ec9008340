"""A test-local URL configuration mounting the CTiP API as cpims/api/urls.py does."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from cpims.ctip.api import register_routes

router = DefaultRouter()
router.include_format_suffixes = False
register_routes(router)

urlpatterns = [path("api/v1/", include((router.urls, "api"), namespace="api"))]
