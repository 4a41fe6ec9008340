from django.urls import path

from cpims.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.orgunit_list, name="orgunit_list"),
    path("new/", views.orgunit_create, name="orgunit_create"),
    path("areas/", views.area_options, name="area_options"),
    path("units/", views.orgunit_options, name="orgunit_options"),
    path("<uuid:public_id>/", views.orgunit_detail, name="orgunit_detail"),
    path("<uuid:public_id>/edit/", views.orgunit_edit, name="orgunit_edit"),
]
