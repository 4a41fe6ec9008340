from django.urls import path

from cpims.core import metrics, views

app_name = "core"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("files/<str:token>/", views.private_file, name="private_file"),
]
