from django.urls import path

from cpims.site import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/tasks/", views.task_queue, name="task_queue"),
    path("admin/tasks/<uuid:result_id>/retry/", views.task_retry, name="task_retry"),
]
