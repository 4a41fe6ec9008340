from django.urls import path

from cpims.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("sub-categories/", views.subcategory_options, name="subcategory_options"),
    path("tasks/", views.task_list, name="task_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("emergency-access/", views.emergency_access, name="emergency_access"),
    path("emergency-access/log/", views.emergency_access_list, name="emergency_access_list"),
    path("<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("<uuid:public_id>/edit/", views.case_edit, name="case_edit"),
    path("<uuid:public_id>/timeline/", views.timeline, name="timeline"),
    path("<uuid:public_id>/do/<slug:name>/", views.transition, name="transition"),
    path("<uuid:public_id>/plan/goals/add/", views.plan_goal_add, name="plan_goal_add"),
    path("<uuid:public_id>/followups/add/", views.followup_add, name="followup_add"),
    path("<uuid:public_id>/followups/<uuid:followup_id>/done/", views.followup_done, name="followup_done"),
]
