from django.urls import path

from cpims.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("export/", views.caseload_export, name="caseload_export"),
    path("export/background/", views.caseload_export_background, name="caseload_export_background"),
    path("cases/", views.drilldown, name="drilldown"),
    path("cases/export/", views.drilldown_export, name="drilldown_export"),
    path("downloads/", views.download_list, name="download_list"),
    path("downloads/<uuid:public_id>/", views.download_detail, name="download_detail"),
    path("downloads/<uuid:public_id>/file/", views.download_file, name="download_file"),
]
