"""The subject access export: everything held about one child, third parties withheld.

``gather(owner, request)`` reads through the scope rules as ``owner`` (the data protection officer
who asked for the file) and returns plain data: the registry record, identifiers, caregivers,
consents, cases (with plans, follow-ups, closures and the timeline), services, placements, court
sessions, orders and summonses, referrals, and the audit of who saw the child.

Third parties' personal data is withheld: other children (siblings) appear as "another child",
reporters and perpetrators by their role only, summoned people by their role; and every name or
contact of such a person is replaced in free text (notes, narratives, summaries) by
``[withheld]``. Words of the child's own name are never withheld. ``redactions`` counts what was
withheld so the officer can review it before release.

Two download kinds (``cpims.reporting.downloads``) make the files: a readable PDF and JSON. They
run as the officer, who must still hold ``privacy.requests``; only the officer can fetch them.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.care.models import Placement
from cpims.cases.models import Case, ServiceRecord
from cpims.court.models import CourtOrder, CourtSession, Summons
from cpims.privacy.models import SubjectRequest
from cpims.referrals.models import Referral
from cpims.registry import access_log
from cpims.registry.models import Person, Relationship
from cpims.reporting.models import Download

WITHHELD = "[withheld]"
MIN_WORD = 3  # shorter name words are not searched for in free text (too many false hits)

PDF_KIND = "subject_access_pdf"
JSON_KIND = "subject_access_json"


# --- redaction ------------------------------------------------------------------------------------


@dataclass
class Redactor:
    """Withholds third parties' names and contacts in free text, counting what it withheld."""

    own_words: set[str]
    counts: Counter[str] = field(default_factory=Counter)
    _phrases: dict[str, str] = field(default_factory=dict)  # lower-cased phrase -> category
    _pattern: re.Pattern[str] | None = None

    def add(self, category: str, *values: str) -> None:
        """Register a third party's name or contact (whole, and each word of it)."""
        for value in values:
            value = (value or "").strip()
            if not value:
                continue
            self.counts[category] += 1
            candidates = [value, *value.split()]
            for phrase in candidates:
                key = phrase.lower()
                if len(key) < MIN_WORD or key in self.own_words:
                    continue
                self._phrases.setdefault(key, category)
        self._pattern = None

    def text(self, value: str | None) -> str:
        if not value:
            return ""
        if not self._phrases:
            return value
        if self._pattern is None:
            alternatives = sorted(self._phrases, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)", re.IGNORECASE
            )
        out, n = self._pattern.subn(WITHHELD, value)
        if n:
            self.counts["text"] += n
        return out


def _own_words(person: Person) -> set[str]:
    return {w.lower() for part in person.name_parts for w in (part or "").split() if w}


# --- gathering ------------------------------------------------------------------------------------


def _d(value: Any) -> str:
    """A date or time as ISO text (Kenya time for times), or empty."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _name(obj: Any) -> str:
    """The name of an area or unit, or empty."""
    return str(obj.name) if obj is not None else ""


def _code(code: Any) -> str:
    return code.display_label if code is not None else ""


def _relatives(person: Person, red: Redactor) -> list[dict[str, Any]]:
    rows = Relationship.objects.filter(
        Q(child=person) | Q(relative=person, kind=Relationship.Kind.SIBLING), is_active=True
    ).select_related("child", "relative")
    out = []
    for rel in rows.order_by("id"):
        other = rel.relative if rel.child_id == person.pk else rel.child
        if rel.kind == Relationship.Kind.SIBLING or (other is not None and other.kind == Person.Kind.CHILD):
            if other is not None:
                red.add("other_children", other.full_name)
            out.append({"relationship": str(rel.get_kind_display()), "name": _("another child (withheld)")})
            continue
        row: dict[str, Any] = {
            "relationship": str(rel.get_kind_display()),
            "name": other.full_name if other is not None else "",
            "alive": str(rel.get_parent_status_display()),
            "lives_with_child": rel.lives_with_child,
        }
        out.append(row)
    return out


def _child(person: Person) -> dict[str, Any]:
    return {
        "cpims_number": person.cpims_number,
        "name": person.full_name,
        "sex": str(person.get_sex_display()),
        "date_of_birth": _d(person.date_of_birth),
        "date_of_birth_estimated": person.date_of_birth_estimated,
        "county": _name(person.county),
        "sub_county": _name(person.sub_county),
        "ward": _name(person.ward),
        "village": person.village,
        "landmark": person.landmark,
        "phone": person.phone,
        "school": person.school_name,
        "school_class": _code(person.school_class),
        "disability": _code(person.disability),
        "birth_certificate": person.birth_certificate,
        "registered_by": person.registered_by_unit.name,
        "registered_on": _d(person.created_at),
        "identifiers": [{"type": _code(i.id_type), "number": i.value} for i in person.identifiers.all()],
    }


def _consents(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "purpose": str(c.get_purpose_display()),
            "shared_with": _name(c.shared_with),
            "given_by": str(c.get_given_by_display()),
            "given_on": _d(c.given_on),
            "withdrawn_on": _d(c.withdrawn_on),
        }
        for c in person.consents.select_related("shared_with").order_by("given_on", "id")
    ]


def _register_case_parties(cases: Iterable[Case], red: Redactor) -> None:
    for case in cases:
        red.add("reporters", case.reporter_name, case.reporter_contact)
        for perp in case.perpetrators.all():
            red.add("perpetrators", perp.name)
        for summons in case.summonses.all():
            red.add("summoned", summons.person_name)


def _case(owner: User, case: Case, red: Redactor) -> dict[str, Any]:
    sensitive = scope.can(owner, P.CASE_VIEW_SENSITIVE, case)
    plan = getattr(case, "plan", None)
    out: dict[str, Any] = {
        "case_number": case.case_number,
        "office": case.office.name,
        "status": str(case.get_status_display()),
        "reported_on": _d(case.reported_on),
        "reporter": _("%(type)s (name and contact withheld)") % {"type": _code(case.reporter_type)},
        "categories": [
            {"category": _code(c.category), "date_of_event": _d(c.date_of_event)} for c in case.categories.all()
        ],
        "perpetrators": _("%(n)d recorded (details withheld)") % {"n": len(case.perpetrators.all())},
        "risk_level": _code(case.risk_level),
        "notes": red.text(case.notes),
        "recommendations": red.text(case.recommendations),
        "assessment": red.text(case.assessment_summary),
        "assessed_on": _d(case.assessed_on),
        "closed_on": _d(case.closed_on),
        "plan_goals": [{"goal": red.text(g.goal), "due_on": _d(g.due_on)} for g in (plan.goals.all() if plan else [])],
        "follow_ups": [
            {
                "due_on": _d(f.due_on),
                "purpose": red.text(f.purpose),
                "done_on": _d(f.done_on),
                "outcome": red.text(f.outcome),
            }
            for f in case.followups.all()
        ],
        "timeline": [{"at": _d(e.at), "what": red.text(e.summary)} for e in case.events.order_by("at", "id")],
    }
    if sensitive:
        out["sensitive_details"] = red.text(case.sensitive_narrative)
        out["hiv_status"] = str(case.get_hiv_status_display()) if case.hiv_status else ""
        out["in_conflict_with_law"] = case.in_conflict_with_law
    return out


def _services(owner: User, person: Person, red: Redactor) -> list[dict[str, Any]]:
    qs = scope.restrict(owner, ServiceRecord.objects.filter(child=person), P.CASE_VIEW)
    return [
        {
            "service": _code(s.service),
            "given_on": _d(s.given_on),
            "provider": _name(s.provider),
            "notes": red.text(s.notes),
        }
        for s in qs.select_related("service", "provider").order_by("given_on", "id")
    ]


def _placements(owner: User, person: Person, red: Redactor) -> list[dict[str, Any]]:
    qs = scope.restrict(owner, Placement.objects.filter(child=person), P.PLACEMENT_VIEW)
    return [
        {
            "care_type": _code(p.care_type),
            "institution": _name(p.institution),
            "caregiver": p.caregiver_name,
            "admitted_on": _d(p.admitted_on),
            "reason": _code(p.admission_reason),
            "status": str(p.get_status_display()),
            "ended_on": _d(p.ended_on),
            "court_order": p.order_number,
            "notes": red.text(p.notes),
        }
        for p in qs.select_related("care_type", "institution", "admission_reason").order_by("admitted_on", "id")
    ]


def _court(owner: User, cases: list[Case], red: Redactor) -> dict[str, list[dict[str, Any]]]:
    sessions = scope.restrict(owner, CourtSession.objects.filter(case__in=cases), P.CASE_VIEW)
    orders = scope.restrict(owner, CourtOrder.objects.filter(session__case__in=cases), P.CASE_VIEW)
    summonses = scope.restrict(owner, Summons.objects.filter(case__in=cases), P.CASE_VIEW)
    return {
        "sessions": [
            {
                "case_number": s.case.case_number,
                "held_on": _d(s.held_on),
                "court": s.court_label,
                "type": _code(s.session_type),
                "outcome": _code(s.outcome),
                "next_date": _d(s.next_date),
                "notes": red.text(s.notes),
            }
            for s in sessions.select_related("case", "court", "session_type", "outcome").order_by("held_on", "id")
        ],
        "orders": [
            {
                "order": _code(o.order_type),
                "made_on": _d(o.made_on),
                "expires_on": _d(o.expires_on),
                "notes": red.text(o.notes),
            }
            for o in orders.select_related("order_type").order_by("made_on", "id")
        ],
        "summonses": [
            {
                "summoned_as": s.person_role,
                "name": _("withheld") if s.person_name else "",
                "issued_on": _d(s.issued_on),
                "to_appear_on": _d(s.due_on),
                "status": str(s.get_status_display()),
            }
            for s in summonses.order_by("issued_on", "id")
        ],
    }


def _referrals(owner: User, cases: list[Case], red: Redactor) -> list[dict[str, Any]]:
    qs = scope.restrict(owner, Referral.objects.filter(case__in=cases), P.CASE_VIEW)
    return [
        {
            "case_number": r.case.case_number,
            "to": _name(r.to_unit),
            "sent_on": _d(r.sent_on),
            "status": str(r.get_status_display()),
            "reason": red.text(r.reason),
            "sent_without_consent": r.consent_overridden,
        }
        for r in qs.select_related("case", "to_unit").order_by("sent_on", "id")
    ]


def _access_log(owner: User, person: Person) -> list[dict[str, Any]]:
    events = list(access_log.events_for(person, owner).select_related("actor")[:5000])
    return [
        {"at": e.at.strftime("%Y-%m-%d %H:%M"), "who": e.who, "offices": e.units, "what": e.what, "record": e.record}
        for e in access_log.entries(events)
    ]


def gather(owner: User, subject_request: SubjectRequest) -> dict[str, Any]:
    """Everything held about the request's child that ``owner`` may read, third parties withheld."""
    person = scope.get_for(
        owner,
        Person.objects.select_related(
            "county", "sub_county", "ward", "school_class", "disability", "registered_by_unit"
        ),
        view=P.CHILD_VIEW,
        pk=subject_request.child_id,
    )
    red = Redactor(own_words=_own_words(person))
    relatives = _relatives(person, red)
    cases = list(
        scope.restrict(owner, Case.objects.filter(child=person), P.CASE_VIEW)
        .select_related("office", "reporter_type", "risk_level", "plan")
        .prefetch_related("perpetrators", "summonses", "categories__category", "followups", "plan__goals")
        .order_by("reported_on", "id")
    )
    _register_case_parties(cases, red)
    data = {
        "format": "cpims-subject-access/1",
        "request": subject_request.reference,
        "generated_at": _d(timezone.now()),
        "child": _child(person),
        "relatives": relatives,
        "consents": _consents(person),
        "cases": [_case(owner, case, red) for case in cases],
        "services": _services(owner, person, red),
        "placements": _placements(owner, person, red),
        "court": _court(owner, cases, red),
        "referrals": _referrals(owner, cases, red),
        "access_log": _access_log(owner, person),
    }
    data["redactions"] = {
        "other_children": red.counts["other_children"],
        "reporters": red.counts["reporters"],
        "perpetrators": red.counts["perpetrators"],
        "summoned": red.counts["summoned"],
        "in_text": red.counts["text"],
    }
    return data


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """What the officer reviews before release: how much of each part, and what was withheld."""
    return {
        "cases": len(data["cases"]),
        "services": len(data["services"]),
        "placements": len(data["placements"]),
        "court_sessions": len(data["court"]["sessions"]),
        "referrals": len(data["referrals"]),
        "consents": len(data["consents"]),
        "access_log": len(data["access_log"]),
        "redactions": data["redactions"],
    }


# --- files ----------------------------------------------------------------------------------------


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


SECTION_TITLES: list[tuple[str, Any]] = [
    ("relatives", gettext_lazy("Caregivers and relatives")),
    ("consents", gettext_lazy("Consents")),
    ("cases", gettext_lazy("Cases")),
    ("services", gettext_lazy("Services")),
    ("placements", gettext_lazy("Placements")),
    ("referrals", gettext_lazy("Referrals")),
    ("access_log", gettext_lazy("Who saw the record")),
]


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def to_pdf(data: dict[str, Any]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["Normal"]
    story: list[Any] = []

    def para(text: Any, style: Any = body) -> None:
        story.append(Paragraph(escape(str(text)), style))

    def record(values: dict[str, Any], indent: str = "") -> None:
        for key, value in values.items():
            if isinstance(value, list):
                if not value:
                    continue
                para(f"{indent}{_label(key)}:", small)
                for item in value:
                    if isinstance(item, dict):
                        record(item, indent + "    ")
                        story.append(Spacer(1, 1 * mm))
                    else:
                        para(f"{indent}    {item}", small)
            elif value not in ("", None):
                shown = (_("yes") if value else _("no")) if isinstance(value, bool) else value
                para(f"{indent}{_label(key)}: {shown}", small)

    para(_("Data held about a child (subject access)"), styles["Title"])
    para(_("Request %(ref)s, made %(at)s") % {"ref": data["request"], "at": data["generated_at"]})
    para(
        _(
            "Names and contacts of other people (other children, reporters, perpetrators, people "
            "summoned) are withheld and shown as %(mark)s."
        )
        % {"mark": WITHHELD},
        small,
    )
    story.append(Spacer(1, 4 * mm))
    para(_("The child's record"), styles["Heading2"])
    record(data["child"])
    for key, title in SECTION_TITLES:
        para(str(title), styles["Heading2"])
        rows = data[key]
        if not rows:
            para(_("None."), small)
        for row in rows:
            record(row)
            story.append(Spacer(1, 2 * mm))
    para(_("Court"), styles["Heading2"])
    record(data["court"])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=data["request"]).build(story)
    return buffer.getvalue()


def _builder(make: Callable[[dict[str, Any]], bytes], ext: str, content_type: str) -> Any:
    def build(download: Download, progress: Callable[[int, str], None]) -> tuple[str, str, bytes]:
        from cpims.privacy.queries import request_for

        owner = download.owner
        subject_request = request_for(owner, download.params.get("request"))
        progress(10, "")
        data = gather(owner, subject_request)
        progress(80, "")
        return f"{subject_request.reference}.{ext}", content_type, make(data)

    return build


def register_kinds() -> None:
    from cpims.reporting.downloads import register_download_kind

    register_download_kind(PDF_KIND, _builder(to_pdf, "pdf", "application/pdf"), gettext_lazy("Subject access (PDF)"))
    register_download_kind(
        JSON_KIND, _builder(to_json, "json", "application/json"), gettext_lazy("Subject access (JSON)")
    )
