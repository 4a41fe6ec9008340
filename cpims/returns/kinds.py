"""The return kinds this app registers: ``subcounty`` (DCS sub-county offices) and ``partner``
(NGOs, CBOs, FBOs); and ``institution``, which ``cpims.care`` defines as plain data
(``cpims.care.return_kind``) and this app registers, so the dependency points from returns to care.

Deadlines follow the DCS guidelines for data collection and reporting (2016): sub-county offices
report by the 5th of the new month, partners ("designated CP officers for NGO/FBO/CBO") on the last
day of the month.

Paper-only figures: what the records cannot know because it never reaches the system — cases
handled by volunteer children officers (VCOs), chiefs and line ministries that were not entered,
and partner work recorded on paper only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cpims.core import ages
from cpims.core.periods import Period
from cpims.geo.models import OrgUnit
from cpims.returns.registry import register_return_kind

SUBCOUNTY, PARTNER, INSTITUTION = "subcounty", "partner", "institution"
SEXES = ("male", "female", "intersex", "unknown")
CATEGORY_PREFIX = "cat:"  # "cat:<category code>:<sex>:<DCS band>" -> cases of that category

SUBCOUNTY_FIELDS: list[tuple[str, Any]] = [
    ("vco_cases", _("Cases handled by volunteer children officers (VCOs) not entered in CPIMS")),
    ("chief_cases", _("Cases handled by chiefs and assistant chiefs not entered in CPIMS")),
    ("line_ministry_cases", _("Cases reported by police, health or education not entered in CPIMS")),
    ("community_forums", _("Community child protection forums held")),
]
PARTNER_FIELDS: list[tuple[str, Any]] = [
    ("paper_cases", _("Cases handled but not entered in CPIMS")),
    ("paper_children_served", _("Children served recorded on paper only")),
    ("community_sessions", _("Community child protection sessions held")),
]

SUBCOUNTY_LABELS: dict[str, Any] = {
    "cases_reported": _("Cases reported"),
    "cases_sex_male": _("Boys"),
    "cases_sex_female": _("Girls"),
    "cases_sex_intersex": _("Intersex"),
    "cases_sex_unknown": _("Sex unknown"),
    "cases_closed": _("Cases reported this month and already closed"),
    "interventions": _("Case categories with an intervention recorded"),
}
PARTNER_LABELS: dict[str, Any] = {
    "services_recorded": _("Services recorded"),
    "children_served": _("Children served"),
    "referrals_received": _("Referrals received"),
    "referrals_completed": _("Referrals completed"),
}


class _UnitReader:
    """The principal the prefill reads facts as: report figures of this one unit, nothing else.

    Prefill functions have no user (they run in actions and background reminders), so the
    reporting queries are asked as this reader, whose only grant is aggregate figures at the unit.
    """

    is_authenticated = True
    is_active = True
    pk = None

    def __init__(self, unit: OrgUnit) -> None:
        from cpims.accounts import permissions as P
        from cpims.accounts.scope import Grant, Grants

        self._cpims_grants = Grants(
            [
                Grant(
                    perms=frozenset({P.REPORT_VIEW_AGGREGATE}),
                    scope="org_unit",
                    org_unit_id=unit.pk,
                    county_id=unit.county_id,
                    sub_county_id=unit.sub_county_id,
                    area_level=None,
                    user_id=0,
                )
            ]
        )


def subcounty_prefill(unit: OrgUnit, period: Period) -> dict[str, int]:
    """Cases reported to the office in the month by category × sex × DCS age band, with totals."""
    from cpims.core.models import Code
    from cpims.reporting.queries import fact_counts

    reader = _UnitReader(unit)

    def counts(group_by: list[str], **kw: Any) -> dict[tuple, int]:
        return fact_counts(reader, period=period, group_by=group_by, org_unit=unit, **kw)

    out: dict[str, int] = {"cases_reported": 0}
    for s in SEXES:
        out[f"cases_sex_{s}"] = 0
    for band in ages.band_keys(ages.DCS):
        out[f"cases_age_{band}"] = 0
    for (sex, band), n in counts(["sex", "dcs_band"], cases_only=True).items():
        out["cases_reported"] += n
        out[f"cases_sex_{sex if sex in SEXES else 'unknown'}"] += n
        out[f"cases_age_{band}"] = out.get(f"cases_age_{band}", 0) + n
    out["cases_closed"] = sum(counts(["status"], cases_only=True, filters={"status": "closed"}).values())
    by_intervention = counts(["intervention"])
    out["interventions"] = sum(n for (code_id,), n in by_intervention.items() if code_id is not None)
    cells = counts(["category", "sex", "dcs_band"])
    codes = dict(Code.objects.filter(pk__in={k[0] for k in cells if k[0] is not None}).values_list("pk", "code"))
    for (category_id, sex, band), n in cells.items():
        key = f"{CATEGORY_PREFIX}{codes.get(category_id, 'unknown')}:{sex}:{band}"
        out[key] = out.get(key, 0) + n
    return out


def partner_prefill(unit: OrgUnit, period: Period) -> dict[str, int]:
    """Services the unit recorded in the month, children served, referrals it received and completed."""
    from cpims.cases.models import ServiceRecord
    from cpims.referrals.models import Referral

    services = ServiceRecord.objects.filter(provider=unit, given_on__range=(period.start, period.end)).aggregate(
        n=Count("pk"), children=Count("child", distinct=True)
    )
    referrals = Referral.objects.filter(to_unit=unit)
    return {
        "services_recorded": services["n"],
        "children_served": services["children"],
        "referrals_received": referrals.filter(sent_on__range=(period.start, period.end)).count(),
        "referrals_completed": referrals.filter(
            status=Referral.Status.COMPLETED, completed_at__date__range=(period.start, period.end)
        ).count(),
    }


def register_default_kinds() -> None:
    from cpims.care.return_kind import institution_return

    register_return_kind(INSTITUTION, **institution_return())
    register_return_kind(
        SUBCOUNTY,
        org_unit_kinds={OrgUnit.Kind.SUB_COUNTY_OFFICE},
        due_day=5,
        prefill=subcounty_prefill,
        fields=SUBCOUNTY_FIELDS,
        label=_("Sub-county caseload return"),
        prefill_labels=SUBCOUNTY_LABELS,
    )
    register_return_kind(
        PARTNER,
        org_unit_kinds={OrgUnit.Kind.NGO, OrgUnit.Kind.CBO, OrgUnit.Kind.FBO},
        due_day="last",
        prefill=partner_prefill,
        fields=PARTNER_FIELDS,
        label=_("Partner monthly return"),
        prefill_labels=PARTNER_LABELS,
    )
