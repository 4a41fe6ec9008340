"""A test-local URLconf: the accounts API on the paths the lead registers it under."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from cpims.accounts.api import MeView, UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("api/v1/me/", MeView.as_view(), name="me"),
    path("api/v1/", include(router.urls)),
    path("", include("cpims.urls")),
]
