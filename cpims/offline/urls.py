from django.urls import URLPattern, URLResolver, path

from cpims.offline import views

app_name = "offline"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.app, name="app"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("session/", views.session, name="session"),
]
