from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


def _case_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from cpims.reporting.facts import queue_case

        queue_case(instance.pk)


def _case_part_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # A category, a referral, a service, a transfer or a follow-up changed: its case's facts are rebuilt.
    if not raw:
        from cpims.reporting.facts import queue_case

        queue_case(instance.case_id)


def _person_saved(sender: Any, instance: Any, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    # A new person has no cases yet; an edit may change the sex or date of birth the facts carry.
    if not raw and not created:
        from cpims.reporting.facts import queue_person

        queue_person(instance.pk)


# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "report.export": _("Exported a report"),
    "report.drilldown": _("Opened the records behind a figure"),
    "download.start": _("Requested a download"),
    "download.file": _("Downloaded a file"),
}


def _facts_gauges() -> list[tuple[str, str, float]]:
    from django.db.models import Min
    from django.utils import timezone

    from cpims.reporting.models import FactQueue

    oldest = FactQueue.objects.aggregate(oldest=Min("at"))["oldest"]
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return [("cpims_facts_lag_seconds", "How long the oldest change waits to reach the caseload facts", lag)]


class ReportingConfig(CpimsAppConfig):
    name = "cpims.reporting"
    label = "reporting"
    menu = [
        MenuEntry("dashboards:home", _("Dashboard"), P.REPORT_VIEW_AGGREGATE, "reports", 120),
        MenuEntry("reporting:caseload", _("Caseload reports"), P.REPORT_VIEW_AGGREGATE, "reports", 130),
    ]
    demo_loader = (50, "cpims.reporting.demo.load_demo_reporting")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

        from cpims.core.metrics import register_gauges

        register_gauges(_facts_gauges)

        from cpims.core.files import register_private_file
        from cpims.reporting.downloads import download_private_file

        register_private_file("download", download_private_file)

        from cpims.cases.models import Case, CaseCategory, FollowUp, ServiceRecord
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
        post_save.connect(_case_part_changed, sender=FollowUp, dispatch_uid="reporting_followup_saved")
        post_delete.connect(_case_part_changed, sender=FollowUp, dispatch_uid="reporting_followup_deleted")
        post_save.connect(_person_saved, sender=Person, dispatch_uid="reporting_person_saved")

        from cpims.reporting import exports  # noqa: F401 - registers the export download kinds
        from cpims.reporting.dashboards import packs

        packs.register()
