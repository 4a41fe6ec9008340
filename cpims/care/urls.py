from django.urls import path

from cpims.care import views

app_name = "care"

urlpatterns = [
    path("placements/", views.placement_list, name="placement_list"),
    path("admit/", views.admit_lookup, name="admit_lookup"),
    path("children/<uuid:public_id>/admit/", views.placement_create, name="placement_create"),
    path("placements/<uuid:public_id>/", views.placement_detail, name="placement_detail"),
    path("placements/<uuid:public_id>/edit/", views.placement_edit, name="placement_edit"),
    path("placements/<uuid:public_id>/status/", views.placement_status, name="placement_status"),
    path("placements/<uuid:public_id>/transfer/", views.placement_transfer, name="placement_transfer"),
    path("placements/<uuid:public_id>/reviews/new/", views.review_add, name="review_add"),
    path("placements/<uuid:public_id>/follow-ups/new/", views.followup_add, name="followup_add"),
    path("alerts/", views.alerts, name="alerts"),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<uuid:public_id>/", views.institution_detail, name="institution_detail"),
    path("institutions/<uuid:public_id>/edit/", views.institution_edit, name="institution_edit"),
]
