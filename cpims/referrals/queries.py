"""Every read of referrals and transfers, starting from the scope rules (cpims.accounts.scope).

* inbox: referrals to a unit where the user holds ``referral.receive``;
* sent: referrals on cases the user may see;
* one referral: 404 unless the user sees the case or works at the receiving unit; 403 when an
  answer is asked of someone who does not hold ``referral.receive`` *at* the receiving unit.

Transfers follow the same rules with ``case.transfer`` at the receiving office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case
from cpims.cases.panels import Panel, case_has
from cpims.cases.tasks import Task, register_task_source
from cpims.geo.models import OrgUnit
from cpims.referrals.models import Referral, Transfer
from cpims.registry.models import Consent

PAGE_SIZE = 25
TASK_LIMIT = 200


def units_with(user: User, perm: str) -> list[int]:
    """The org units where ``user`` holds ``perm`` (the units themselves, not their areas)."""
    return sorted({g.org_unit_id for g in scope.grants_for(user).with_perm(perm)})


def holds_at(user: User, perm: str, unit: OrgUnit) -> bool:
    return unit is not None and unit.pk in units_with(user, perm)


def referring_units(user: User, case: Case) -> list[OrgUnit]:
    """The units ``user`` may refer for (case.refer); the case's own office first."""
    ids = units_with(user, P.CASE_REFER)
    units = list(OrgUnit.objects.filter(pk__in=ids, is_active=True).order_by("name"))
    return sorted(units, key=lambda u: u.pk != case.office_id)


def current_sharing_consent(child: Any, unit: OrgUnit) -> Consent | None:
    """The child's current consent to share data with ``unit``, or None."""
    if unit is None:
        return None
    return (
        Consent.objects.filter(
            person=child, purpose=Consent.Purpose.DATA_SHARING, shared_with=unit, withdrawn_on__isnull=True
        )
        .order_by("-given_on", "-id")
        .first()
    )


# --- referrals --------------------------------------------------------------------------------


def _referral_list_qs(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    return qs.select_related(
        "case", "case__child", "from_office", "to_unit", "service_requested", "from_user"
    ).order_by("-sent_on", "-id")


def referrals_received(user: User) -> QuerySet[Referral]:
    """The inbox: referrals to the units where ``user`` holds referral.receive."""
    return scope.restrict(user, Referral.objects.all(), P.REFERRAL_RECEIVE)


def referrals_sent(user: User) -> QuerySet[Referral]:
    """Referrals on the cases ``user`` may see."""
    return Referral.objects.filter(case__in=scope.restrict(user, Case.objects.all(), P.CASE_VIEW).values("pk"))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Inbox and sent together (and referrals to the user's units for case.view)."""
    return scope.restrict(user, Referral.objects.all(), P.CASE_VIEW) | referrals_received(user)


def inbox(user: User, *, status: str = "", page: int = 1) -> Page:
    """A page of the inbox, open referrals first. Constant queries: count and page."""
    qs = referrals_received(user)
    if status:
        qs = qs.filter(status=status)
    return Paginator(_referral_list_qs(qs), PAGE_SIZE).get_page(page)


def sent(user: User, *, status: str = "", page: int = 1) -> Page:
    qs = referrals_sent(user)
    if status:
        qs = qs.filter(status=status)
    return Paginator(_referral_list_qs(qs), PAGE_SIZE).get_page(page)


def may_withdraw_referral(actor: User, referral: Referral) -> bool:
    """The referring side withdraws: case.refer over the case (the sender holds it), never the
    receiving unit (it declines instead)."""
    if holds_at(actor, P.REFERRAL_RECEIVE, referral.to_unit) and actor.pk != referral.from_user_id:
        return False
    return scope.can(actor, P.CASE_REFER, referral.case)


def may_withdraw_transfer(actor: User, transfer: Transfer) -> bool:
    """The sending side withdraws: case.transfer over the case *and* at the owning office (the
    receiving office reaches the case through its review access, which is not enough)."""
    if holds_at(actor, P.CASE_TRANSFER, transfer.to_office) and actor.pk != transfer.requested_by_id:
        return False
    case = transfer.case
    return scope.can(actor, P.CASE_TRANSFER, case) and scope.can(actor, P.CASE_TRANSFER, case.office)


def referral_for(user: User, public_id: Any, *, answer: bool = False, withdraw: bool = False) -> Referral:
    """One referral: 404 outside scope; with ``answer``, 403 unless the user holds referral.receive
    at the receiving unit; with ``withdraw``, 403 unless the user is on the referring side."""
    try:
        referral = _referral_list_qs(referrals_visible_to(user)).select_related("answered_by").get(public_id=public_id)
    except (Referral.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if answer and not holds_at(user, P.REFERRAL_RECEIVE, referral.to_unit):
        raise PermissionDenied
    if withdraw and not may_withdraw_referral(user, referral):
        raise PermissionDenied
    return referral


@dataclass
class ReferralPage:
    referral: Referral
    services: list[Any]
    can_answer: bool
    can_see_case: bool
    can_withdraw: bool = False


def referral_page(user: User, referral: Referral) -> ReferralPage:
    return ReferralPage(
        can_withdraw=referral.status == Referral.Status.SENT and may_withdraw_referral(user, referral),
        referral=referral,
        services=list(referral.services.select_related("service", "provider").order_by("-given_on", "-id")),
        can_answer=holds_at(user, P.REFERRAL_RECEIVE, referral.to_unit),
        can_see_case=scope.can(user, P.CASE_VIEW, referral.case),
    )


# --- transfers --------------------------------------------------------------------------------


def transfers_visible_to(user: User) -> QuerySet[Transfer]:
    return scope.restrict(user, Transfer.objects.all(), P.CASE_VIEW)


def transfers_incoming(user: User) -> QuerySet[Transfer]:
    return Transfer.objects.filter(to_office__in=units_with(user, P.CASE_TRANSFER))


def _transfer_list_qs(qs: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return qs.select_related(
        "case", "case__child", "case__office", "from_office", "to_office", "requested_by"
    ).order_by("-requested_on", "-id")


def transfer_list(user: User, *, page: int = 1, incoming: bool = False) -> Page:
    """Transfers the user may see; with ``incoming``, those awaiting an answer from one of the
    user's offices (what the home page counts)."""
    qs = transfers_incoming(user).filter(status=Transfer.Status.PENDING) if incoming else transfers_visible_to(user)
    return Paginator(_transfer_list_qs(qs), PAGE_SIZE).get_page(page)


def transfer_for(user: User, public_id: Any, *, answer: bool = False, withdraw: bool = False) -> Transfer:
    """One transfer: 404 outside scope; with ``answer``, 403 unless the user holds case.transfer at
    the receiving office; with ``withdraw``, 403 unless the user is on the sending side."""
    try:
        transfer = _transfer_list_qs(transfers_visible_to(user)).select_related("answered_by").get(public_id=public_id)
    except (Transfer.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if answer and not holds_at(user, P.CASE_TRANSFER, transfer.to_office):
        raise PermissionDenied
    if withdraw and not may_withdraw_transfer(user, transfer):
        raise PermissionDenied
    return transfer


# --- the case page panel ----------------------------------------------------------------------


@dataclass
class CaseReferrals:
    """What ``referrals/_case_referrals.html`` shows on the case page."""

    items: list[Referral] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    can_refer: bool = False
    can_transfer: bool = False
    # Which rows the reader may open (the others are shown as plain text, not dead links).
    open_referrals: set[int] = field(default_factory=set)
    open_transfers: set[int] = field(default_factory=set)


def case_panel(user: User, case: Case) -> CaseReferrals:
    """Referrals and transfers of one case (the caller has fetched the case through the scope
    rules). A query each, none for a kind the case page read as absent (``case_has``), plus the
    permission checks (answered from the case page's query).

    A viewer who may see the case (``case.view``, answered with the case on its page) may open
    every referral and transfer on it (their scope's case rule); only otherwise is each row's
    own scope asked, as an EXISTS per row. That EXISTS tests membership in every case the viewer
    sees: at a million cases PostgreSQL scanned them for each row (up to 580 ms per case page)."""
    sees_case = scope.can(user, P.CASE_VIEW, case)
    items: list[Referral] = []
    if case_has(case, "referrals"):
        referrals = Referral.objects.filter(case=case).select_related("to_unit", "from_office", "service_requested")
        if not sees_case:
            referrals = referrals.annotate(can_open=Exists(referrals_visible_to(user).filter(pk=OuterRef("pk"))))
        items = list(referrals.order_by("-sent_on", "-id"))
    transfers: list[Transfer] = []
    if case_has(case, "transfers"):
        moves = Transfer.objects.filter(case=case).select_related("from_office", "to_office")
        if not sees_case:
            moves = moves.annotate(can_open=Exists(transfers_visible_to(user).filter(pk=OuterRef("pk"))))
        transfers = list(moves.order_by("-requested_on", "-id"))
    return CaseReferrals(
        open_referrals={r.pk for r in items if sees_case or getattr(r, "can_open", False)},
        open_transfers={t.pk for t in transfers if sees_case or getattr(t, "can_open", False)},
        items=items,
        transfers=transfers,
        can_refer=case.is_open and scope.can(user, P.CASE_REFER, case),
        # One transfer at a time: no button while one awaits an answer (the action refuses it too).
        can_transfer=case.is_open
        and not any(t.status == Transfer.Status.PENDING for t in transfers)
        and scope.can(user, P.CASE_TRANSFER, case)
        and scope.can(user, P.CASE_TRANSFER, case.office),
    )


# --- tasks ------------------------------------------------------------------------------------


def _referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"public_id": referral.public_id})


def _transfer_url(transfer: Transfer) -> str:
    return reverse("referrals:transfer_detail", kwargs={"public_id": transfer.public_id})


def _receiving_tasks(user: User) -> list[Task]:
    """Receiving side: referrals to the user's units awaiting an answer, and accepted ones to
    complete; every receiver's own task (``mine``). Read from the units' inbox index."""
    if not scope.has_perm(user, P.REFERRAL_RECEIVE):
        return []
    rows = (
        referrals_received(user)
        .filter(status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED])
        .select_related("case")
        .only("public_id", "status", "answer_due_on", "case__case_number")
        .order_by("answer_due_on")[:TASK_LIMIT]
    )
    out: list[Task] = []
    for r in rows:
        waiting = r.status == Referral.Status.SENT
        out.append(
            Task(
                kind="referral" if waiting else "referral_open",
                title=_("Referral awaiting your answer") if waiting else _("Referral to complete"),
                url=_referral_url(r),
                due_on=r.answer_due_on if waiting else None,
                case_number=r.case.case_number,
                source="referrals",
            )
        )
    return out


def _overdue_referral_tasks(user: User, rows: QuerySet[Referral]) -> list[Task]:
    """Sending side: referrals in ``rows`` whose answer is overdue (not to the user's own units)."""
    overdue = (
        rows.filter(status=Referral.Status.SENT, answer_due_on__lt=timezone.localdate())
        .exclude(to_unit__in=units_with(user, P.REFERRAL_RECEIVE))
        .select_related("case", "to_unit")
        .only("public_id", "answer_due_on", "from_user_id", "case__case_number", "to_unit__name")
        .order_by("answer_due_on")[:TASK_LIMIT]
    )
    return [
        Task(
            kind="referral_overdue",
            title=_("No answer yet from %(unit)s to a referral") % {"unit": r.to_unit.name},
            url=_referral_url(r),
            due_on=r.answer_due_on,
            case_number=r.case.case_number,
            mine=r.from_user_id == user.pk,
            source="referrals",
        )
        for r in overdue
    ]


def referral_tasks(user: User) -> list[Task]:
    """Receiving side: referrals awaiting an answer, and accepted ones to complete.
    Sending side: referrals whose answer is overdue, on cases the user may refer."""
    out = _receiving_tasks(user)
    if scope.has_perm(user, P.CASE_REFER):
        cases = scope.restrict(user, Case.objects.all(), P.CASE_REFER).values("pk")
        out += _overdue_referral_tasks(user, Referral.objects.filter(case__in=cases))
    return out


def my_referral_tasks(user: User) -> list[Task]:
    """``referral_tasks`` for the "my tasks" view: the receiving side is the same (the user's
    units' inbox); the sending side reads only the user's own overdue referrals (partial index
    ``referral_sent_by``), each checked against the scope by its case (an EXISTS)."""
    out = _receiving_tasks(user)
    if scope.has_perm(user, P.CASE_REFER):
        in_scope = scope.restrict(user, Case.objects.all(), P.CASE_REFER).filter(pk=OuterRef("case_id"))
        out += _overdue_referral_tasks(user, Referral.objects.filter(from_user=user).filter(Exists(in_scope)))
    return out


register_task_source(referral_tasks, mine=my_referral_tasks)


@register_task_source
def transfer_tasks(user: User) -> list[Task]:
    """Transfers awaiting the answer of one of the user's offices."""
    if not scope.has_perm(user, P.CASE_TRANSFER):
        return []
    rows = (
        transfers_incoming(user)
        .filter(status=Transfer.Status.PENDING)
        .select_related("case", "from_office")
        .only("public_id", "answer_due_on", "case__case_number", "from_office__name")
        .order_by("answer_due_on")[:TASK_LIMIT]
    )
    return [
        Task(
            kind="transfer",
            title=_("Transfer from %(office)s awaiting your answer") % {"office": t.from_office.name},
            url=_transfer_url(t),
            due_on=t.answer_due_on,
            case_number=t.case.case_number,
            source="referrals",
        )
        for t in rows
    ]


def has_referrals() -> Exists:
    return Exists(Referral.objects.filter(case=OuterRef("pk")))


def has_transfers() -> Exists:
    return Exists(Transfer.objects.filter(case=OuterRef("pk")))


def case_page_panel(user: User, case: Case) -> Panel:
    """The referrals section of the case page (registered with cpims.cases.panels, with the flags
    ``referrals`` and ``transfers``: ``has_referrals``, ``has_transfers``)."""
    return Panel("referrals/_case_panel.html", {"referrals": case_panel(user, case)})
