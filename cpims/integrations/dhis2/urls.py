from django.urls import path  # noqa: F401

app_name = "dhis2"

urlpatterns: list = []
