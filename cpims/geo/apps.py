from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "cpims.geo"
    label = "geo"
