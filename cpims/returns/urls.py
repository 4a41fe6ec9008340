from django.urls import path

from cpims.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review, name="review"),
    path("completeness/", views.completeness_view, name="completeness"),
    path("unit/<uuid:unit_id>/", views.unit, name="unit"),
    path("unit/<uuid:unit_id>/open/", views.open_return, name="open"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/save/", views.save, name="save"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
    path("<uuid:public_id>/approve/", views.approve, name="approve"),
    path("<uuid:public_id>/send-back/", views.send_back, name="send_back"),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
]
