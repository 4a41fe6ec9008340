"""Reminders for overdue returns: an email to the unit's staff who hold ``return.submit``, at most
once per unit, month and day (a second run the same day sends nothing), each one audited.

Run daily by the worker (django_tasks task ``send_return_reminders``) or by hand with
``manage.py send_return_reminders``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.audit.actions import audit_record
from cpims.geo.models import OrgUnit
from cpims.returns.models import ReturnReminder
from cpims.returns.queries import nairobi_today, overdue

log = logging.getLogger(__name__)


def _recipients(unit: OrgUnit) -> list[str]:
    from cpims.accounts.models import Assignment

    rows = Assignment.objects.filter(org_unit=unit, is_active=True, user__is_active=True).values_list(
        "user__email", "role__permissions"
    )
    return sorted({email for email, perms in rows if email and P.RETURN_SUBMIT in perms})


def send_reminders(*, today: dt.date | None = None) -> int:
    """Send today's reminders; returns how many (unit, month) reminders were sent."""
    today = today or nairobi_today()
    sent = 0
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    for unit, period, due in overdue(OrgUnit.objects.all(), today=today):
        emails = _recipients(unit)
        try:
            with transaction.atomic():
                ReturnReminder.objects.create(org_unit=unit, month=period.start, sent_on=today, recipients=len(emails))
                audit_record(
                    actor=None,
                    actor_username="system",
                    action="return.reminder",
                    obj=unit,
                    object_label=f"{unit.code} {period.code}",
                    details={"month": period.code, "due_on": due.isoformat(), "recipients": len(emails)},
                )
        except IntegrityError:
            continue  # already reminded today
        if emails:
            url = base + reverse("returns:unit", kwargs={"unit_id": unit.public_id}) + f"?month={period.code}"
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Monthly return overdue: %(unit)s, %(month)s") % {"unit": unit.name, "month": period.label}
                body = _(
                    "The monthly return of %(unit)s for %(month)s was due on %(due)s and has not been "
                    "submitted yet. Please complete and submit it: %(url)s"
                ) % {"unit": unit.name, "month": period.label, "due": due.isoformat(), "url": url}
            send_mass_mail([(subject, body, None, [e]) for e in emails], fail_silently=True)
        sent += 1
    log.info("return reminders sent: %s", sent)
    return sent
