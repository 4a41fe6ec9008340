from django.urls import path

from cpims.privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/export/", views.request_export, name="request_export"),
    path("requests/<uuid:public_id>/review/", views.request_review, name="request_review"),
    path("requests/<uuid:public_id>/correct/", views.request_correct, name="request_correct"),
    path("requests/<uuid:public_id>/complete/", views.request_complete, name="request_complete"),
    path("requests/<uuid:public_id>/refuse/", views.request_refuse, name="request_refuse"),
    path("breaches/", views.breach_list, name="breach_list"),
    path("breaches/new/", views.breach_create, name="breach_create"),
    path("breaches/<uuid:public_id>/", views.breach_detail, name="breach_detail"),
    path("breaches/<uuid:public_id>/touched/", views.breach_touched, name="breach_touched"),
    path("breaches/<uuid:public_id>/notices/new/", views.breach_notice, name="breach_notice"),
    path("breaches/<uuid:public_id>/close/", views.breach_close, name="breach_close"),
]
