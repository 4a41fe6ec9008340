from django.urls import path

from cpims.reporting.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("national/", views.national, name="national"),
    path("area/<str:key>/", views.area, name="area"),
    path("map/", views.county_map, name="map"),
    path("packs/", views.packs, name="packs"),
]
