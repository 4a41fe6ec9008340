"""Demo reported concerns in Westlands: waiting in the triage queue, and one already dismissed.

``load_demo_intake()`` needs the reference data; it uses demo.officer (for the staff report and
the dismissal) when present. Invented names only. Idempotent: does nothing when demo reports
exist (they are recognised by their reporter "Demo Reporter").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpims.accounts.models import User
from cpims.geo.models import Area
from cpims.intake import actions
from cpims.intake.models import IntakeReport

DEMO_REPORTER = "Demo Reporter"

# (what happened, child name, age, sex, urgent, anonymous, days ago)
DEMO_REPORTS = (
    (
        "A girl of about nine is left alone at home for days without food.",
        "Imani Demo-Akinyi",
        9,
        "female",
        False,
        False,
        2,
    ),
    ("Two boys sell sweets at the stage late at night instead of going to school.", "", 11, "male", False, True, 5),
    (
        "A neighbour's child has bruises and cries every night; the father drinks.",
        "Tumaini Demo-Kariuki",
        6,
        "male",
        True,
        False,
        1,
    ),
    (
        "A 15-year-old girl is being prepared for marriage next month.",
        "Zawadi Demo-Atieno",
        15,
        "female",
        False,
        True,
        3,
    ),
)


def load_demo_intake() -> int:
    """Create the demo reports; returns how many were created."""
    if IntakeReport.objects.filter(reporter_relationship=DEMO_REPORTER).exists():
        return 0
    county = Area.objects.get(level=Area.Level.COUNTY, code="047")
    sub_county = Area.objects.get(level=Area.Level.SUB_COUNTY, code="274")
    wards = list(Area.objects.filter(level=Area.Level.WARD, sub_county=sub_county).order_by("code")[:4])
    officer = User.objects.filter(username="demo.officer").first()
    today = timezone.localdate()
    created: list[IntakeReport] = []
    for i, (what, name, age, sex, urgent, anonymous, days) in enumerate(DEMO_REPORTS):
        data = actions.ReportInput(
            what_happened=what,
            county=county,
            sub_county=sub_county,
            ward=wards[i % len(wards)] if wards else None,
            place="Demo village",
            happened_on=today - dt.timedelta(days=days),
            child_name=name,
            child_age=age,
            child_sex=sex,
            anonymous=anonymous,
            reporter_name="" if anonymous else "Demo Caller",
            reporter_contact="" if anonymous else "0700 000 000",
            reporter_relationship=DEMO_REPORTER,
            urgent=urgent,
        )
        if officer is not None and i == 2:
            created.append(actions.report_record(actor=officer, data=data))
        else:
            created.append(actions.report_submit_public(data=data))
    if officer is not None:
        actions.report_dismiss(
            actor=officer, report=created[1], reason=IntakeReport.DismissReason.REFERRED_ELSEWHERE, note="Demo."
        )
    return len(created)
