from django.urls import path

from cpims.justice import views

app_name = "justice"

urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("cases/<uuid:public_id>/", views.case_track, name="case_track"),
    path("cases/<uuid:public_id>/open/", views.track_open, name="track_open"),
    path("tracks/<uuid:public_id>/route/", views.step, {"name": "route"}, name="route"),
    path("tracks/<uuid:public_id>/court/", views.step, {"name": "court"}, name="court"),
    path("tracks/<uuid:public_id>/remands/new/", views.step, {"name": "remand_start"}, name="remand_start"),
    path("tracks/<uuid:public_id>/reports/new/", views.step, {"name": "report_add"}, name="report_add"),
    path("tracks/<uuid:public_id>/disposition/", views.step, {"name": "disposition"}, name="disposition"),
    path("tracks/<uuid:public_id>/aftercare/", views.step, {"name": "aftercare"}, name="aftercare"),
    path("remands/<uuid:public_id>/end/", views.remand_end, name="remand_end"),
]
