from django.urls import path

from cpims.ctip import views

app_name = "ctip"

urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
    path("cases/<uuid:public_id>/", views.track, name="track"),
    path("cases/<uuid:public_id>/identify/", views.identify, name="identify"),
    path("cases/<uuid:public_id>/assistance/new/", views.assistance_add, name="assistance_add"),
    path("cases/<uuid:public_id>/tracing/new/", views.tracing_add, name="tracing_add"),
    path("cases/<uuid:public_id>/return/new/", views.return_add, name="return_add"),
    path("cases/<uuid:public_id>/plan/", views.plan_edit, name="plan_edit"),
    path("cases/<uuid:public_id>/follow-ups/new/", views.followup_add, name="followup_add"),
    path("cases/<uuid:public_id>/prosecution/", views.prosecution_edit, name="prosecution_edit"),
    path("cases/<uuid:public_id>/referrals/new/", views.referral_add, name="referral_add"),
]
