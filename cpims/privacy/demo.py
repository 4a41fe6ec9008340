"""Demo data of the data protection registers: one open access request about a demo child and
one open breach (a lost phone), with the children the phone's user touched. Synthetic names.

Needs demo.dpo (cpims.accounts.demo) and the demo cases (cpims.cases.demo). Idempotent: does
nothing when the registers already hold something.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpims.accounts.models import User
from cpims.privacy import actions
from cpims.privacy.models import Breach, SubjectRequest
from cpims.registry.models import Person


def load_demo_privacy() -> int:
    dpo = User.objects.filter(username="demo.dpo").first()
    officer = User.objects.filter(username="demo.officer").first()
    child = Person.objects.filter(last_name="Demo-Wekesa", kind=Person.Kind.CHILD).first()
    if dpo is None or officer is None or child is None:
        return 0
    if SubjectRequest.objects.exists() or Breach.objects.exists():
        return 0
    today = timezone.localdate()
    actions.subject_request_register(
        actor=dpo,
        kind=SubjectRequest.Kind.ACCESS,
        child=child,
        requester_name="Rehema Demo-Wekesa",
        requester_relationship=SubjectRequest.Relationship.MOTHER,
        identity_checked=SubjectRequest.IdentityCheck.CAREGIVER_RECORD,
        received_on=today - dt.timedelta(days=2),
        details="A copy of everything held about her daughter.",
    )
    now = timezone.now()
    breach = actions.breach_record(
        actor=dpo,
        title="Officer's phone lost in a matatu (demo)",
        discovered_at=now - dt.timedelta(hours=10),
        description="The phone was signed in to CPIMS. The session was ended and the password reset.",
        occurred_from=now - dt.timedelta(hours=14),
        records_affected="Children's records opened on the phone in the last month.",
    )
    actions.breach_people_add(actor=dpo, breach=breach, touched_by=officer, start=now - dt.timedelta(days=60), end=now)
    return 2
