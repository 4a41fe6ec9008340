"""A test-local URL configuration mounting the referrals API as cpims/api/urls.py will."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from cpims.referrals.api import ReferralViewSet, TransferViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("referrals", ReferralViewSet, basename="referral")
router.register("transfers", TransferViewSet, basename="transfer")

urlpatterns = [path("api/v1/", include((router.urls, "api"), namespace="api"))]
