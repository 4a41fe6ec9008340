from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _case_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from cpims.reporting.facts import queue_case

        queue_case(instance.pk)


def _case_part_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # A category, a referral, a service or a transfer changed: its case's facts are rebuilt.
    if not raw:
        from cpims.reporting.facts import queue_case

        queue_case(instance.case_id)


def _person_saved(sender: Any, instance: Any, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    # A new person has no cases yet; an edit may change the sex or date of birth the facts carry.
    if not raw and not created:
        from cpims.reporting.facts import queue_person

        queue_person(instance.pk)


class ReportingConfig(AppConfig):
    name = "cpims.reporting"
    label = "reporting"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_demo_loader, register_menu_entry
        from cpims.reporting.demo import load_demo_reporting

        register_menu_entry("dashboards:home", _("Dashboard"), P.REPORT_VIEW_AGGREGATE, "reports", 120)
        register_menu_entry("reporting:caseload", _("Caseload reports"), P.REPORT_VIEW_AGGREGATE, "reports", 130)
        register_demo_loader(50, load_demo_reporting)

        from cpims.cases.models import Case, CaseCategory, ServiceRecord
        from cpims.referrals.models import Referral, Transfer
        from cpims.registry.models import Person

        # Changes to the records are queued for the caseload facts in the same transaction.
        post_save.connect(_case_saved, sender=Case, dispatch_uid="reporting_case_saved")
        post_save.connect(_case_part_changed, sender=CaseCategory, dispatch_uid="reporting_category_saved")
        post_delete.connect(_case_part_changed, sender=CaseCategory, dispatch_uid="reporting_category_deleted")
        post_save.connect(_case_part_changed, sender=Referral, dispatch_uid="reporting_referral_saved")
        post_delete.connect(_case_part_changed, sender=Referral, dispatch_uid="reporting_referral_deleted")
        post_save.connect(_case_part_changed, sender=ServiceRecord, dispatch_uid="reporting_service_saved")
        post_delete.connect(_case_part_changed, sender=ServiceRecord, dispatch_uid="reporting_service_deleted")
        post_save.connect(_case_part_changed, sender=Transfer, dispatch_uid="reporting_transfer_saved")
        post_save.connect(_person_saved, sender=Person, dispatch_uid="reporting_person_saved")

        from cpims.reporting import exports  # noqa: F401 - registers the export download kinds
        from cpims.reporting.dashboards import packs

        packs.register()
