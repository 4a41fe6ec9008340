from django.urls import path

from cpims.registry import picker, views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("register/", views.child_create, name="child_create"),
    path("pick/", picker.person_pick, name="person_pick"),
    path("register/duplicates/", views.duplicate_check, name="duplicate_check"),
    path("number/<str:number>/", views.by_number, name="by_number"),
    path("<uuid:public_id>/", views.child_detail, name="child_detail"),
    path("<uuid:public_id>/edit/", views.child_edit, name="child_edit"),
    path("<uuid:public_id>/caregivers/add/", views.caregiver_add, name="caregiver_add"),
    path(
        "<uuid:public_id>/relationships/<uuid:relationship_id>/",
        views.relationship_edit,
        name="relationship_edit",
    ),
    path("<uuid:public_id>/identifiers/add/", views.identifier_add, name="identifier_add"),
    path("<uuid:public_id>/consent/add/", views.consent_give, name="consent_give"),
    path(
        "<uuid:public_id>/consent/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:public_id>/photo/", views.photo, name="photo"),
    path("<uuid:public_id>/photo/upload/", views.photo_upload, name="photo_upload"),
    path("<uuid:public_id>/merge/", views.merge, name="merge"),
    path("<uuid:public_id>/who-saw/", views.access_log, name="access_log"),
    path("<uuid:public_id>/who-saw.csv", views.access_log_export, name="access_log_export"),
]
