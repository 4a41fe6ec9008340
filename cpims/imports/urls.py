from django.urls import URLPattern, URLResolver, path

from cpims.imports import views

app_name = "imports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("<uuid:public_id>/", views.batch, name="batch"),
    path("<uuid:public_id>/confirm/", views.confirm, name="confirm"),
    path("<uuid:public_id>/discard/", views.discard, name="discard"),
]
