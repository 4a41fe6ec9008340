from django.urls import path

from cpims.court import views

app_name = "court"

urlpatterns = [
    path("diary/", views.diary, name="diary"),
    path("cases/<uuid:public_id>/", views.case_court, name="case_court"),
    path("cases/<uuid:public_id>/sessions/new/", views.session_create, name="session_create"),
    path("cases/<uuid:public_id>/summons/new/", views.summons_create, name="summons_create"),
    path("sessions/<uuid:public_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:public_id>/orders/new/", views.order_create, name="order_create"),
    path("summons/<uuid:public_id>/honoured/", views.summons_honoured, name="summons_honoured"),
]
