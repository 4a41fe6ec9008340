from django.urls import path

from cpims.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("new/<uuid:case_id>/", views.create, name="create"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/accept/", views.accept, name="accept"),
    path("<uuid:public_id>/decline/", views.decline, name="decline"),
    path("<uuid:public_id>/services/add/", views.service_add, name="service_add"),
    path("<uuid:public_id>/complete/", views.complete, name="complete"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/new/<uuid:case_id>/", views.transfer_create, name="transfer_create"),
    path("transfers/<uuid:public_id>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:public_id>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<uuid:public_id>/decline/", views.transfer_decline, name="transfer_decline"),
    path("transfers/<uuid:public_id>/withdraw/", views.transfer_withdraw, name="transfer_withdraw"),
]
