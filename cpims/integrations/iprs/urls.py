from django.urls import path

from cpims.integrations.iprs import views

app_name = "iprs"

urlpatterns = [
    path("people/<uuid:public_id>/identifiers/<int:pk>/", views.identifier, name="identifier"),
    path("people/<uuid:public_id>/identifiers/<int:pk>/verify/", views.verify, name="verify"),
]
