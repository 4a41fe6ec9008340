from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "cpims.referrals"
    label = "referrals"
