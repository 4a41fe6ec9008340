from django.urls import URLPattern, URLResolver, path

from cpims.legacy import views

app_name = "legacy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.runs, name="runs"),
    path("runs/<uuid:public_id>/", views.run, name="run"),
    path("runs/<uuid:public_id>/report.csv", views.run_csv, name="run_csv"),
]
