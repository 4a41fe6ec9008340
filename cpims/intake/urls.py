"""Mounted at the site root: the public page under report-a-concern/, the officers' pages under intake/."""

from django.urls import path

from cpims.intake import views

app_name = "intake"

urlpatterns = [
    path("report-a-concern/", views.public_report, name="public_report"),
    path("report-a-concern/received/<str:token>/", views.public_received, name="public_received"),
    path("intake/", views.queue, name="queue"),
    path("intake/new/", views.report_new, name="report_new"),
    path("intake/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("intake/<uuid:public_id>/open-case/", views.report_open_case, name="report_open_case"),
    path("intake/<uuid:public_id>/link/", views.report_link, name="report_link"),
    path("intake/<uuid:public_id>/dismiss/", views.report_dismiss, name="report_dismiss"),
    path("intake/<uuid:public_id>/replays/<int:replay_id>/reviewed/", views.replay_reviewed, name="replay_reviewed"),
]
