from django.urls import path

from cpims.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("rules/<uuid:public_id>/edit/", views.rule_edit, name="rule_edit"),
    path("holds/", views.holds, name="holds"),
    path("holds/<uuid:public_id>/release/", views.hold_release, name="hold_release"),
    path("runs/", views.runs, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:public_id>/review/", views.run_review, name="run_review"),
]
