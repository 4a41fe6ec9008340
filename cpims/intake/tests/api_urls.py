"""A test-local URL configuration mounting the intake API as cpims/api/urls.py will."""

from django.urls import include, path

from cpims.intake.api import IntakeReportCreateView

urlpatterns = [
    path("api/v1/", include(([path("intake/", IntakeReportCreateView.as_view(), name="intake-create")], "api"))),
]
