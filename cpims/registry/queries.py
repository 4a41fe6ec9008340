"""Every read of the registry, starting from the scope rules (cpims.accounts.scope).

Name search, portable and fast at national scale:

1. The typed names are normalised into tokens (``names.tokens``).
2. One query on the small name vocabulary (NameWord, one row per distinct name) finds, for every
   token, the known words that equal it, start with it, share its phonetic key, or (PostgreSQL,
   pg_trgm GIN index) are trigram-similar to it.
3. People are selected whose name tokens (NameToken, indexed by token) include a matching word for
   every typed token, in any order, within the user's scope and the other filters: first those
   matching every token exactly, then the fuzzy matches, each capped.
4. The candidates are ranked in Python and paged: by closeness of the name (``names.similarity``),
   then the searcher's own ward, sub-county and county (``home_areas``), then closeness to the date
   of birth when an age or a date is given (``wanted_birth_date``).

The number of queries does not depend on the number of results (asserted in the tests).
"""

from __future__ import annotations

import datetime as dt
import math
import mimetypes
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record, audit_record_many
from cpims.core.files import PrivateFile
from cpims.core.models import Code
from cpims.core.prefetch import set_prefetched
from cpims.geo.models import Area, OrgUnit
from cpims.registry import names
from cpims.registry.actions import PersonInput, RelativeInput, normalise_identifier
from cpims.registry.models import (
    Consent,
    HouseholdMember,
    Identifier,
    IdentifierVerification,
    NameToken,
    NameWord,
    Person,
    PersonMerge,
    Relationship,
)
from cpims.registry.numbers import looks_like_number, normalise_number

PAGE_SIZE = 20
CANDIDATE_CAP = 200  # people ranked per search; more than this asks the user to narrow it down
WORDS_PER_TOKEN = 300  # vocabulary words tried per typed token
WORD_MATCH = 0.8  # names.token_similarity from which a vocabulary word may stand for a typed name
SQLITE_WORDS_SCANNED = 5000  # vocabulary words read per typed token without pg_trgm


# --- Scoped access -----------------------------------------------------------------------------


def people_visible_to(user: User, perm: str = P.CHILD_VIEW) -> QuerySet[Person]:
    """Active people ``user`` may see (or act on with ``perm``)."""
    return scope.restrict(user, Person.objects.filter(is_active=True), perm)


def person_for(user: User, public_id: Any, *, write: str | Sequence[str] | None = None) -> Person:
    """One person by public id: 404 outside the user's scope, 403 in scope without ``write``.

    Merged records are returned too (inactive, with ``merged_into``) so callers can redirect."""
    return scope.get_for(
        user,
        Person.objects.select_related("county", "sub_county", "ward", "registered_by_unit", "merged_into"),
        view=P.CHILD_VIEW,
        write=write,
        public_id=public_id,
    )


def person_for_profile(user: User, public_id: Any, *, prime: Sequence[str] = ()) -> Person:
    """``person_for`` for the child's page, in the same one query: the codes the page shows, the
    answers to ``scope.can`` over the person for ``prime`` (remembered for the request), and one
    EXISTS column per kind of row that is often absent (``PROFILE_FLAGS``: merges, checks with the
    national register, and those later apps register), so ``profile_for`` and the registered
    providers skip the query for a kind the child has none of (``profile_has``)."""
    flags = {f"{_FLAG_PREFIX}{name}": expression() for name, expression in PROFILE_FLAGS.items()}
    return scope.get_for(
        user,
        Person.objects.select_related(
            "county", "sub_county", "ward", "registered_by_unit", "merged_into", "school_class", "disability"
        ).annotate(**flags),
        view=P.CHILD_VIEW,
        prime=prime,
        public_id=public_id,
    )


def child_by_number_and_birth(number: str, born: dt.date | None) -> Person | None:
    """A child anywhere in the registry, found only by the exact CPIMS number and date of birth
    together (an institution admitting a child registered elsewhere). No partial match, no list:
    a wrong number and a wrong date answer the same (None)."""
    canonical = normalise_number(number or "")
    if canonical is None or born is None:
        return None
    return Person.objects.filter(
        cpims_number=canonical, date_of_birth=born, kind=Person.Kind.CHILD, is_active=True
    ).first()


def consent_for(user: User, public_id: Any, *, write: str | None = None) -> Consent:
    """A consent through its person's scope."""
    try:
        consent = Consent.objects.select_related("person", "shared_with").get(public_id=public_id)
    except (Consent.DoesNotExist, ValueError, TypeError) as exc:
        from django.http import Http404

        raise Http404 from exc
    consent.person = person_for(user, consent.person.public_id, write=write)
    return consent


def relationship_for(user: User, public_id: Any, *, write: str | None = None) -> Relationship:
    try:
        rel = Relationship.objects.select_related("child", "relative").get(public_id=public_id)
    except (Relationship.DoesNotExist, ValueError, TypeError) as exc:
        from django.http import Http404

        raise Http404 from exc
    rel.child = person_for(user, rel.child.public_id, write=write)
    return rel


def identifier_for(user: User, public_id: Any, pk: Any, *, write: str | None = None) -> Identifier:
    """One identifier of a person, through the person's scope (404 outside it, 403 without ``write``).
    A merged or unknown person, or an identifier of someone else, is a 404."""
    from django.http import Http404

    person = person_for(user, public_id, write=write)
    if not person.is_active:
        raise Http404
    try:
        identifier = Identifier.objects.select_related("id_type").get(person=person, pk=pk)
    except (Identifier.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    identifier.person = person
    return identifier


# --- Checks of identifiers against a national register (IPRS) --------------------------------------


def _latest_status() -> Subquery:
    return Subquery(
        IdentifierVerification.objects.filter(identifier=OuterRef("pk"))
        .order_by("-verified_at", "-id")
        .values("status")[:1]
    )


def verified_identifiers() -> QuerySet[Identifier]:
    """Identifiers whose latest check against the national register matched our record."""
    return Identifier.objects.annotate(latest_status=_latest_status()).filter(
        latest_status=IdentifierVerification.Status.MATCHED
    )


def latest_verifications(identifier_ids: Sequence[int]) -> dict[int, IdentifierVerification]:
    """The latest check of each identifier (one query): {identifier id: verification}."""
    out: dict[int, IdentifierVerification] = {}
    if not identifier_ids:
        return out
    rows = IdentifierVerification.objects.filter(identifier_id__in=sorted(identifier_ids)).select_related("verified_by")
    for row in rows.order_by("identifier_id", "-verified_at", "-id"):
        out.setdefault(row.identifier_id, row)
    return out


def verifications_visible_to(user: User, person: Person | None = None) -> QuerySet[IdentifierVerification]:
    """Checks of the identifiers of people ``user`` may see (of one person when given), newest first."""
    people = people_visible_to(user)
    if person is not None:
        people = people.filter(pk=person.pk)
    return (
        IdentifierVerification.objects.filter(identifier__person__in=people.values("pk"))
        .select_related("identifier__id_type", "identifier__person", "verified_by")
        .order_by("-verified_at", "-id")
    )


@dataclass(frozen=True)
class IdentifierAction:
    """A button a later app offers beside an identifier on the person's page (for editors)."""

    url: str
    label: str


# Later apps (integrations.iprs) offer actions on identifiers without the registry importing them:
# callable(user, person, identifiers) -> {identifier id: [IdentifierAction]}, with no queries.
IDENTIFIER_ACTIONS: list[Callable[[Any, Person, list[Identifier]], dict[int, list[IdentifierAction]]]] = []


def register_identifier_action(
    provider: Callable[[Any, Person, list[Identifier]], dict[int, list[IdentifierAction]]],
) -> None:
    if provider not in IDENTIFIER_ACTIONS:
        IDENTIFIER_ACTIONS.append(provider)


def identifier_actions(user: User, person: Person, identifiers: list[Identifier]) -> dict[int, list[IdentifierAction]]:
    out: dict[int, list[IdentifierAction]] = {}
    for provider in IDENTIFIER_ACTIONS:
        for identifier_id, found in provider(user, person, identifiers).items():
            out.setdefault(identifier_id, []).extend(found)
    return out


def registering_units(user: User) -> list[Any]:
    from cpims.geo.models import OrgUnit

    ids = {g.org_unit_id for g in scope.grants_for(user).with_perm(P.CHILD_CREATE)}
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("name"))


def person_identifier_types() -> QuerySet[Code]:
    return Code.objects.filter(
        code_list__name="identifier_type_id", code__in=Identifier.PERSON_TYPES, is_active=True
    ).order_by("order", "label")


# --- Matching words ------------------------------------------------------------------------------


class _TrigramMatch(Func):
    """``word % 'query'``: pg_trgm similarity above the threshold, using the GIN index."""

    function = ""
    arg_joiner = " %% "
    output_field = BooleanField()


class _Similarity(Func):
    function = "SIMILARITY"
    output_field = FloatField()


def matching_words(query_tokens: Sequence[str]) -> list[list[str]]:
    """For each typed token, the vocabulary words it may stand for (one query for all tokens)."""
    usable = [t for t in query_tokens if len(t) >= 2]
    if not usable:
        return [[t] for t in query_tokens]
    cond = Q()
    for token in usable:
        cond |= Q(word=token) | Q(phonetic=names.phonetic(token)) | Q(word__gte=token, word__lt=token + "{")
    qs = NameWord.objects.all()
    limit = WORDS_PER_TOKEN * len(usable)
    if connection.vendor == "postgresql":
        for token in usable:
            cond |= Q(_TrigramMatch(F("word"), Value(token)))
        best = _Similarity(F("word"), Value(usable[0]))
        for token in usable[1:]:
            best = Func(best, _Similarity(F("word"), Value(token)), function="GREATEST", output_field=FloatField())
        qs = qs.filter(cond).annotate(best=best).order_by("-best", "word")
    else:
        # Without pg_trgm, a misspelled ending (Wanjiku/Wanjiru) is caught by words whose sound
        # key starts like the typed one, and a slip inside the name (Mosse/Moses, Karajna/Karanja)
        # by words of about the same length that start with the same letter (an index range); the
        # Python check below (names.similar_words) keeps only the similar ones, the most similar first.
        for token in usable:
            key = names.phonetic(token)
            if len(key) >= 3:
                cond |= Q(phonetic__gte=key[:-1], phonetic__lt=key[:-1] + "~")
            cond |= Q(
                word__gte=token[0],
                word__lt=chr(ord(token[0]) + 1),
                length__gte=len(token) - 2,
                length__lte=len(token) + 2,
            )
        qs = qs.annotate(length=Length("word")).filter(cond).order_by("word")
        limit = SQLITE_WORDS_SCANNED * len(usable)
    rows = list(qs.values_list("word", "phonetic")[:limit])
    out: list[list[str]] = []
    for token in query_tokens:
        if len(token) < 2:
            out.append([token])
            continue
        out.append([token, *names.similar_words(token, rows, WORD_MATCH, WORDS_PER_TOKEN - 1)])
    return out


ID_LIST_CAP = 5000  # above this many name matches, let the database join instead of sending ids


def _matching_ids(groups: Sequence[Sequence[str]]) -> QuerySet[Any]:
    """Ids of people having, for every group, a name token among the group's words:
    ``SELECT person_id FROM tokens WHERE token IN g1 INTERSECT SELECT ... g2 ...``, answered from
    the (token, person) index alone: a few milliseconds even for common names at a million people."""
    sets = [NameToken.objects.filter(token__in=list(words)).values_list("person_id", flat=True) for words in groups]
    return sets[0] if len(sets) == 1 else sets[0].intersection(*sets[1:])


def _tier_rows(
    base: QuerySet[Person], groups: Sequence[Sequence[str]], cap: int, home: HomeAreas | None = None
) -> list[tuple]:
    """Rows (``_CANDIDATE_COLUMNS``) of the people in ``base`` matching every group, at most ``cap``,
    those in the searcher's own areas first (so a common name never pushes them out of the cap).

    Two steps: the matching ids first (token index only), then those people, checked against the
    scope by primary key. In one statement the planner misjudges how few people match all the
    names and reads every person in a county's scope instead (seen at a million children)."""
    matching = _matching_ids(groups)
    ids = list(matching[: ID_LIST_CAP + 1])
    if not ids:
        return []
    people = base.filter(pk__in=ids if len(ids) <= ID_LIST_CAP else matching).order_by()
    if home:
        people = people.annotate(near=home.distance_expression()).order_by("near")
    return list(people.values_list(*_CANDIDATE_COLUMNS)[:cap])


_NAME_COLUMNS = ("pk", "first_name", "middle_name", "last_name", "other_names")
_CANDIDATE_COLUMNS = (*_NAME_COLUMNS, "ward_id", "sub_county_id", "county_id", "date_of_birth")
FAR = 3  # HomeAreas.distance outside every area of the searcher
NO_BIRTH_DATE = 10**6  # days from the wanted date of birth when none is recorded


@dataclass(frozen=True)
class HomeAreas:
    """Where the searcher works (the areas of their assignments' units): among equally close
    names, people of their own ward come first, then of their sub-county, then of their county."""

    wards: frozenset[int] = frozenset()
    sub_counties: frozenset[int] = frozenset()
    counties: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.wards or self.sub_counties or self.counties)

    def distance(self, ward_id: int | None, sub_county_id: int | None, county_id: int | None) -> int:
        if ward_id in self.wards:
            return 0
        if sub_county_id in self.sub_counties:
            return 1
        if county_id in self.counties:
            return 2
        return FAR

    def distance_expression(self) -> Case:
        """``distance`` in SQL, for ordering before a cap."""
        whens = [
            When(**{f"{field}__in": sorted(ids)}, then=Value(rank))
            for rank, field, ids in (
                (0, "ward_id", self.wards),
                (1, "sub_county_id", self.sub_counties),
                (2, "county_id", self.counties),
            )
            if ids
        ]
        return Case(*whens, default=Value(FAR), output_field=IntegerField())


def home_areas(user: User, perm: str = P.CHILD_VIEW) -> HomeAreas:
    """The searcher's own areas, from the grants already read for the request; one more query only
    for units placed in a ward (a ward office), whose ward the grant does not carry."""
    grants = scope.grants_for(user).with_perm(perm)
    ward_units = [g.org_unit_id for g in grants if g.area_level == Area.Level.WARD]
    wards = OrgUnit.objects.filter(pk__in=ward_units).values_list("area_id", flat=True) if ward_units else []
    return HomeAreas(
        wards=frozenset(wards),
        sub_counties=frozenset(g.sub_county_id for g in grants if g.sub_county_id),
        counties=frozenset(g.county_id for g in grants if g.county_id),
    )


def name_candidates(
    base: QuerySet[Person],
    query_tokens: Sequence[str],
    cap: int = CANDIDATE_CAP,
    *,
    home: HomeAreas | None = None,
    born: dt.date | None = None,
) -> list[tuple]:
    """Rows (pk, first, middle, last, other, score) of people in ``base`` whose names match every
    typed token (exactly or fuzzily), best first: by closeness of the name (``names.similarity``,
    then fewer names beyond those typed), then by the searcher's own areas (``home``), then by
    closeness to the date of birth ``born`` when one is wanted. When nobody matches every token of
    a long query, people matching all but one are tried."""
    tokens = [t for t in query_tokens if len(t) >= 2] or list(query_tokens)
    if not tokens:
        return []
    groups = matching_words(tokens)
    rows = _candidate_rows(base, tokens, groups, cap, home)
    if not rows and len(tokens) >= 3:
        seen: dict[int, tuple] = {}
        for skip in range(len(tokens)):
            sub_tokens = tokens[:skip] + tokens[skip + 1 :]
            sub_groups = groups[:skip] + groups[skip + 1 :]
            for row in _candidate_rows(base, sub_tokens, sub_groups, cap, home):
                seen.setdefault(row[0], row)
        rows = list(seen.values())
    home = home or HomeAreas()
    ranked = []
    for row in rows:
        name_tokens = names.tokens(*row[1:5])
        score = names.similarity(query_tokens, name_tokens)
        extra = max(len(name_tokens) - len(query_tokens), 0)
        days = abs((row[8] - born).days) if born and row[8] else NO_BIRTH_DATE
        key = (-score, extra, home.distance(*row[5:8]), days, row[3], row[1], row[0])
        ranked.append((key, (*row[:5], score)))
    ranked.sort(key=lambda r: r[0])
    return [row for _, row in ranked[:cap]]


CLOSE_WORD = 0.9  # names.token_similarity at or above this is a "close" spelling


def _candidate_rows(
    base: QuerySet[Person],
    tokens: Sequence[str],
    groups: Sequence[Sequence[str]],
    cap: int,
    home: HomeAreas | None = None,
) -> list:
    """Candidates in tiers, each capped, so the best matches are never crowded out by many loose
    ones: every token exact, then every token a close spelling, then every token any matching word.
    A tier identical to the previous one is not asked again."""
    tiers = [
        [[t] for t in tokens],
        [
            [w for w in ws if names.token_similarity(t, w) >= CLOSE_WORD] or [t]
            for t, ws in zip(tokens, groups, strict=True)
        ],
        [list(words) for words in groups],
    ]
    rows: list = []
    seen: set[int] = set()
    previous: list[list[str]] | None = None
    for tier in tiers:
        if tier == previous:
            continue
        previous = tier
        for row in _tier_rows(base, tier, cap, home):
            if row[0] not in seen:
                seen.add(row[0])
                rows.append(row)
    return rows


# --- Search ----------------------------------------------------------------------------------


@dataclass
class SearchFilters:
    q: str = ""  # names, a CPIMS number or an identifier number
    cpims_number: str = ""
    identifier: str = ""
    identifier_type: Code | None = None
    kind: str = ""
    sex: str = ""
    dob_from: dt.date | None = None
    dob_to: dt.date | None = None
    age_min: int | None = None
    age_max: int | None = None
    age: int | None = None  # about this age: ranks, does not filter
    date_of_birth: dt.date | None = None  # about this date of birth: ranks, does not filter
    county: Area | None = None
    sub_county: Area | None = None
    ward: Area | None = None

    def used(self) -> list[str]:
        """The names of the filters given (what the audit trail keeps: never the values)."""
        out = []
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value not in (None, ""):
                out.append(name)
        return out


@dataclass
class SearchResult:
    people: list[Person]
    total: int
    page: int
    pages: int
    mode: str  # "name", "number", "identifier", "list" or "none"
    capped: bool = False
    notice: str = ""
    scores: dict[int, float] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _date_range(filters: SearchFilters, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    start, end = filters.dob_from, filters.dob_to
    if filters.age_max is not None:
        # Born after this date is younger than age_max + 1.
        oldest = _years_before(today, filters.age_max + 1) + dt.timedelta(days=1)
        start = max(start, oldest) if start else oldest
    if filters.age_min is not None:
        youngest = _years_before(today, filters.age_min)
        end = min(end, youngest) if end else youngest
    return start, end


def wanted_birth_date(filters: SearchFilters, today: dt.date) -> dt.date | None:
    """The date of birth to rank by: the one typed, else the middle of the year of the age typed,
    else the middle of the age or date range, else none."""
    if filters.date_of_birth:
        return filters.date_of_birth
    if filters.age is not None:
        return _years_before(today, filters.age) - dt.timedelta(days=182)
    start, end = _date_range(filters, today)
    if start and end:
        return start + (end - start) / 2
    return None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _filtered(base: QuerySet[Person], filters: SearchFilters) -> QuerySet[Person]:
    if filters.kind:
        base = base.filter(kind=filters.kind)
    if filters.sex:
        base = base.filter(sex=filters.sex)
    start, end = _date_range(filters, timezone.localdate())
    if start:
        base = base.filter(date_of_birth__gte=start)
    if end:
        base = base.filter(date_of_birth__lte=end)
    if filters.ward is not None:
        base = base.filter(ward=filters.ward)
    elif filters.sub_county is not None:
        base = base.filter(sub_county=filters.sub_county)
    elif filters.county is not None:
        base = base.filter(county=filters.county)
    return base


def _page_people(ids: Sequence[int]) -> list[Person]:
    by_id = {
        p.pk: p
        for p in Person.objects.filter(pk__in=list(ids))
        .select_related("ward", "sub_county", "county")
        .with_orphan_flags()
    }
    return [by_id[i] for i in ids if i in by_id]


def search_people(
    user: User,
    filters: SearchFilters,
    *,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    request: HttpRequest | None = None,
    via: str = "web",
    list_when_empty: bool = False,
) -> SearchResult:
    """Search the people ``user`` may see. Always audited ("person.search": which filters were used
    and how many results, never the names or numbers typed). With no filters at all the result is
    empty (the search page waits for a query), unless ``list_when_empty``: then it pages through
    everyone in scope, newest first (what an API client asking for the list expects)."""
    base = _filtered(people_visible_to(user), filters)
    page = max(page, 1)
    text = filters.q.strip()
    phone = "" if filters.cpims_number.strip() or filters.identifier.strip() else phone_digits(text)
    number = filters.cpims_number.strip() or (text if looks_like_number(text) and not phone else "")
    identifier = filters.identifier.strip()
    if not number and not identifier and text and any(ch.isdigit() for ch in text):
        identifier = text
    notice = ""
    scores: dict[int, float] = {}
    capped = False
    if number:
        mode = "number"
        canonical = normalise_number(number)
        if canonical is None:
            notice = _("This CPIMS number has a typing error (the last digit does not match). Check it and try again.")
            ids: list[int] = []
        else:
            target = Person.objects.filter(cpims_number=canonical).values_list("pk", "merged_into_id").first()
            target_id = (target[1] or target[0]) if target else None
            ids = list(base.filter(pk=target_id).values_list("pk", flat=True)) if target_id else []
            if ids and target and target[1]:
                notice = _("%(number)s was merged into the record below.") % {"number": canonical}
    elif identifier:
        mode = "identifier"
        norm = normalise_identifier(identifier)
        matches = Identifier.objects.filter(value_normalised=norm)
        if filters.identifier_type is not None:
            matches = matches.filter(id_type=filters.identifier_type)
        found = Q(pk__in=matches.values("person_id"))
        if phone:
            # A phone number: the person's own phone or a caregiver's (a child rarely has one).
            mode = "phone"
            pattern = r"[^0-9]*".join(phone) + "$"
            found |= Q(phone__regex=pattern) | Q(relationships__relative__phone__regex=pattern)
        ids = list(base.filter(found).values_list("pk", flat=True).distinct()[:CANDIDATE_CAP])
    elif names.tokens(text):
        mode = "name"
        born = wanted_birth_date(filters, timezone.localdate())
        rows = name_candidates(base, names.tokens(text), home=home_areas(user), born=born)
        ids = [row[0] for row in rows]
        scores = {row[0]: row[5] for row in rows}
        capped = len(rows) >= CANDIDATE_CAP
    elif filters.used() or list_when_empty:
        mode = "list"
        paginator = Paginator(base.order_by("-id").values_list("pk", flat=True), page_size)
        page_obj = paginator.get_page(page)
        people = _page_people(list(page_obj.object_list))
        _audit_search(user, filters, paginator.count, request, via, mode, people)
        return SearchResult(people, paginator.count, page_obj.number, paginator.num_pages, mode)
    else:
        return SearchResult([], 0, 1, 1, "none")
    total = len(ids)
    pages = max(math.ceil(total / page_size), 1)
    page = min(page, pages)
    people = _page_people(ids[(page - 1) * page_size : page * page_size])
    _audit_search(user, filters, total, request, via, mode, people)
    return SearchResult(people, total, page, pages, mode, capped=capped, notice=notice, scores=scores)


def phone_digits(text: str) -> str:
    """The nine significant digits of a Kenyan phone number typed as 07.., 01.., +254.. or 254..
    (spaces and dashes allowed), or "" when the text is not shaped like one."""
    compact = re.sub(r"[\s\-()]", "", text or "")
    match = re.fullmatch(r"(?:\+?254|0)([17]\d{8})", compact)
    return match.group(1) if match else ""


PICK_LIMIT = 10


def pick_people(user: User, q: str, *, kind: str = "child", request: HttpRequest | None = None) -> SearchResult:
    """A short list for a person picker: by CPIMS number, name, phone or identifier, in scope."""
    return search_people(user, SearchFilters(q=q, kind=kind), page_size=PICK_LIMIT, request=request, via="picker")


def _audit_search(
    user: User,
    filters: SearchFilters,
    count: int,
    request: HttpRequest | None,
    via: str,
    mode: str,
    shown: Sequence[Person] = (),
) -> None:
    """The search itself, and one "search hit" per child the page showed (for "who saw this child")."""
    audit_record(
        actor=user,
        action="person.search",
        request=request,
        details={"filters": filters.used(), "mode": mode, "results": count, "via": via},
    )
    audit_record_many(
        actor=user,
        action="person.search_hit",
        objects=[(p, p.cpims_number) for p in shown],
        request=request,
        details={"via": via},
    )


# --- Duplicates --------------------------------------------------------------------------------


@dataclass
class Candidate:
    person: Person
    score: float
    reasons: list[str]
    # The same identifier number, verified with the national register: the same person.
    definite: bool = False


DUPLICATE_THRESHOLD = 0.85
DEFINITE_SCORE = 10.0  # above any name score: a verified identifier match comes first
SAME_NUMBER_BONUS = 1.0  # the same number, not (or not yet) verified: strong, not definite


def _identifier_matches(base: QuerySet[Person], data: PersonInput) -> dict[int, bool]:
    """People in ``base`` holding one of the identifier numbers typed: {person id: verified?}.
    One query; none without typed numbers."""
    if not data.identifiers:
        return {}
    wanted = Q()
    for id_type, value in data.identifiers:
        norm = normalise_identifier(value)
        if norm:
            wanted |= Q(id_type=id_type, value_normalised=norm)
    if not wanted:
        return {}
    out: dict[int, bool] = {}
    rows = (
        Identifier.objects.filter(wanted, person__in=base.values("pk"))
        .annotate(latest_status=_latest_status())
        .values_list("person_id", "latest_status")
    )
    for person_id, status in rows:
        out[person_id] = out.get(person_id, False) or status == IdentifierVerification.Status.MATCHED
    return out


def duplicate_recheck(
    user: User, data: PersonInput, relatives: Sequence[RelativeInput] = ()
) -> Callable[[], list[Candidate]]:
    """The duplicate check that ``child_register`` runs again under its lock (not audited: the
    check the user saw was)."""
    return lambda: duplicate_candidates(user, data, relatives=relatives, audit=False)


def duplicate_candidates(
    user: User,
    data: PersonInput,
    *,
    relatives: Sequence[RelativeInput] = (),
    exclude: Sequence[int] = (),
    limit: int = 5,
    request: HttpRequest | None = None,
    audit: bool = True,
) -> list[Candidate]:
    """People the user may see who look like the person about to be registered: similar names in
    any order, close dates of birth, the same sex, ward or parents. Best first.

    An identifier number typed that a registered person holds comes before names: verified with the
    national register (IPRS) it is a definite match, ranked first whatever the names say; not
    verified, it weighs more than any name likeness."""
    query_tokens = names.tokens(data.first_name, data.middle_name, data.last_name, data.other_names)
    base = people_visible_to(user).filter(kind=data.kind or Person.Kind.CHILD)
    if exclude:
        base = base.exclude(pk__in=list(exclude))
    by_number = _identifier_matches(base, data)
    if not query_tokens and not by_number:
        return []
    rows = _rows_by_name(base, query_tokens) if query_tokens else []
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[r[0] for r in rows] + sorted(by_number)).select_related(
            "ward", "sub_county", "county"
        )
    }
    wanted_parents = {
        rel.kind: names.tokens(rel.person.first_name, rel.person.middle_name, rel.person.last_name)
        for rel in relatives
        if rel.kind in Relationship.PARENT_KINDS and rel.person is not None
    }
    parents = _parent_names(list(people), list(wanted_parents)) if wanted_parents and people else {}
    born, estimated = data.resolved_date_of_birth()
    out: list[Candidate] = []
    name_scores = {row[0]: row[5] for row in rows}
    for person_id, verified in by_number.items():
        person = people.get(person_id)
        if person is None:
            continue
        if verified:
            reasons = [_("same ID number, verified with IPRS")]
            out.append(Candidate(person, DEFINITE_SCORE, reasons, definite=True))
        else:
            score = name_scores.get(person_id, 0.0) + SAME_NUMBER_BONUS
            out.append(Candidate(person, round(score, 3), [_("same ID number")]))
    for row in rows:
        person = people.get(row[0])
        if person is None or person.pk in by_number:
            continue
        score, reasons = row[5], [_("similar name")]
        score = _scored_by_birth(score, born, estimated, person, reasons)
        score = _scored_by_sex_and_place(score, data, person, reasons)
        for kind, wanted in wanted_parents.items():
            theirs = parents.get(person.pk, {}).get(kind)
            if wanted and theirs and names.similarity(wanted, theirs) >= 0.9:
                score += 0.2
                reasons.append(_("same mother") if kind == Relationship.Kind.MOTHER else _("same father"))
        if score >= DUPLICATE_THRESHOLD:
            out.append(Candidate(person, round(score, 3), reasons))
    out.sort(key=lambda c: (not c.definite, -c.score))
    out = out[:limit]
    if audit:
        audit_record(
            actor=user,
            action="person.duplicate_check",
            request=request,
            details={"results": len(out), "kind": data.kind},
        )
    return out


@dataclass(frozen=True)
class DuplicateRow:
    """One child as the bulk duplicate check reads it."""

    pk: int
    tokens: tuple[str, ...]
    sex: str
    date_of_birth: dt.date | None
    date_of_birth_estimated: bool
    ward_id: int | None
    sub_county_id: int | None


DUPLICATE_WINDOW = 8  # neighbours compared in each block, in order of date of birth
# A link the bulk check makes is work for a reviewer, not a suggestion beside a form: besides the
# desk's score it wants the same date of birth, or one within this many days in the same
# sub-county (or, with no dates, the same ward). At a national bench (500,000 children, names from
# a small vocabulary) the desk's score alone linked nine children in ten to a namesake born the
# same year.
DUPLICATE_NEAR_DAYS = 92
_ROW_CHUNK = 2000


def _duplicate_rows(ids: Sequence[int]) -> list[DuplicateRow]:
    out: list[DuplicateRow] = []
    columns = ("pk", "first_name", "middle_name", "last_name", "other_names", "sex", "date_of_birth")
    for start in range(0, len(ids), _ROW_CHUNK):
        chunk = ids[start : start + _ROW_CHUNK]
        rows = Person.objects.filter(pk__in=chunk, kind=Person.Kind.CHILD, is_active=True).values_list(
            *columns, "date_of_birth_estimated", "ward_id", "sub_county_id"
        )
        for pk, first, middle, last, other, sex, born, estimated, ward, sub in rows:
            tokens = tuple(names.tokens(first, middle, last, other))
            out.append(DuplicateRow(pk, tokens, sex, born, estimated, ward, sub))
    return out


def _blocking_keys(row: DuplicateRow) -> set[tuple[Any, ...]]:
    """The blocks a child falls in: each pair of its names' sound keys (any order, so swapped and
    missing names still meet), and each sound key with the year of birth (so a misspelling that
    changes one name's sound still meets the other name among children born about then)."""
    sounds = sorted({names.phonetic(t) for t in row.tokens[:4] if t})
    keys: set[tuple[Any, ...]] = {("names", a, b) for i, a in enumerate(sounds) for b in sounds[i + 1 :]}
    if len(sounds) == 1:
        keys.add(("names", sounds[0]))
    if row.date_of_birth:
        keys |= {("born", row.date_of_birth.year, s) for s in sounds}
    return keys


def _names_meet(new: Sequence[str], other: Sequence[str]) -> bool:
    """Whether the desk's name search would bring ``other`` up for ``new``: each of the names (or,
    of three or more, any two) stands close to one of the other's (``WORD_MATCH``)."""
    met = sum(1 for t in new if any(names.token_similarity(t, o) >= WORD_MATCH for o in other))
    return met >= min(len(new), 2)


def _born_close(new: DuplicateRow, other: DuplicateRow) -> bool:
    if new.date_of_birth and other.date_of_birth:
        gap = abs((new.date_of_birth - other.date_of_birth).days)
        return gap == 0 or (gap <= DUPLICATE_NEAR_DAYS and new.sub_county_id == other.sub_county_id)
    return new.ward_id is not None and new.ward_id == other.ward_id


def _pair_score(new: DuplicateRow, other: DuplicateRow) -> float:
    """The score ``duplicate_candidates`` gives ``other`` when ``new`` is the child being registered
    (names, date of birth, sex and ward; no identifiers or parents); 0 when the two were not born
    close (``DUPLICATE_NEAR_DAYS``) or the desk would not have found ``other`` by name at all."""
    if not _born_close(new, other) or not _names_meet(new.tokens, other.tokens):
        return 0.0
    reasons: list[str] = []
    score = names.similarity(new.tokens, other.tokens)
    score = _scored_by_birth(score, new.date_of_birth, new.date_of_birth_estimated, other, reasons)
    return _scored_by_sex_and_ward(score, new.sex, new.ward_id, new.sub_county_id, other, reasons)


def duplicate_pairs(new_ids: Sequence[int], *, limit: int = 3) -> list[tuple[int, int, float]]:
    """Likely duplicates of many new children at once (an import): ``(new child, other child,
    score)``, at most ``limit`` a new child, best first, scored as ``duplicate_candidates`` scores,
    among those born close (``DUPLICATE_NEAR_DAYS``).

    Per-child searches cost ~10 ms each (hours at a million children); this reads the children who
    share a name word with a new one once, puts them in blocks (``_blocking_keys``) and, within a
    block sorted by date of birth, compares each child with its ``DUPLICATE_WINDOW`` neighbours (the
    sorted-neighbourhood method of record linkage). Not scoped: the caller is a national job."""
    wanted = set(new_ids)
    if not wanted:
        return []
    words: set[str] = set()
    ordered = sorted(wanted)
    for start in range(0, len(ordered), _ROW_CHUNK):
        chunk = ordered[start : start + _ROW_CHUNK]
        words.update(NameToken.objects.filter(person_id__in=chunk).values_list("token", flat=True))
    candidates: set[int] = set(wanted)
    word_list = sorted(words)
    for start in range(0, len(word_list), _ROW_CHUNK):
        chunk_words = word_list[start : start + _ROW_CHUNK]
        candidates.update(NameToken.objects.filter(token__in=chunk_words).values_list("person_id", flat=True))
    rows = _duplicate_rows(sorted(candidates))
    blocks: dict[tuple[Any, ...], list[DuplicateRow]] = {}
    for row in rows:
        for key in _blocking_keys(row):
            blocks.setdefault(key, []).append(row)
    best: dict[int, dict[int, float]] = {}
    seen: set[tuple[int, int]] = set()
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort(key=lambda r: (r.date_of_birth or dt.date.max, r.pk))
        for i, a in enumerate(block):
            for b in block[i + 1 : i + 1 + DUPLICATE_WINDOW]:
                # Of two new children, the later is checked against the earlier, as at the desk.
                later, earlier = (a, b) if a.pk > b.pk else (b, a)
                new, other = (later, earlier) if later.pk in wanted else (earlier, later)
                if new.pk not in wanted or (new.pk, other.pk) in seen:
                    continue
                seen.add((new.pk, other.pk))
                score = _pair_score(new, other)
                if score >= DUPLICATE_THRESHOLD:
                    best.setdefault(new.pk, {})[other.pk] = round(score, 3)
    out: list[tuple[int, int, float]] = []
    for pk, found in best.items():
        for other_pk, score in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
            out.append((pk, other_pk, score))
    return out


# --- Caregivers already registered (search before create) ------------------------------------------


@dataclass
class CaregiverMatch:
    person: Person
    by_identifier: bool  # the same ID number: may lie outside the user's scope (name and number only)


def caregiver_matches(
    user: User, data: PersonInput | None, *, limit: int = 5, request: HttpRequest | None = None, audit: bool = True
) -> list[CaregiverMatch]:
    """Registered caregivers who are the person typed: the same identifier number (anywhere in the
    registry, since a national ID number names one person), or the same first and last name and
    phone among the people the user may see. Two queries at most; audited without what was typed."""
    if data is None:
        return []
    found: dict[int, CaregiverMatch] = {}
    fields = ("pk", "public_id", "first_name", "middle_name", "last_name", "cpims_number", "kind", "date_of_birth")
    if data.identifiers:
        wanted = Q()
        for id_type, value in data.identifiers:
            wanted |= Q(id_type=id_type, value_normalised=normalise_identifier(value))
        holders = Identifier.objects.filter(wanted).values("person_id")
        for person in Person.objects.filter(is_active=True, pk__in=holders).only(*fields)[:limit]:
            found[person.pk] = CaregiverMatch(person, by_identifier=True)
    phone = data.phone.strip()
    if phone and data.first_name.strip() and data.last_name.strip():
        same = people_visible_to(user).filter(
            kind=Person.Kind.CAREGIVER,
            phone=phone,
            first_name__iexact=data.first_name.strip(),
            last_name__iexact=data.last_name.strip(),
        )
        for person in same.only(*fields)[:limit]:
            found.setdefault(person.pk, CaregiverMatch(person, by_identifier=False))
    matches = list(found.values())[:limit]
    if audit and (data.identifiers or phone):
        audit_record(
            actor=user,
            action="person.caregiver_match",
            request=request,
            details={"results": len(matches), "by_identifier": sum(m.by_identifier for m in matches)},
        )
    return matches


def caregiver_pick(user: User, public_id: str, data: PersonInput | None) -> Person | None:
    """The registered person chosen for reuse: one the user may see, or one offered as a match for
    what was typed (the same ID number). Anything else is refused (None)."""
    visible = people_visible_to(user).filter(public_id=public_id).first() if _is_uuid(public_id) else None
    if visible is not None:
        return visible
    for match in caregiver_matches(user, data, audit=False):
        if str(match.person.public_id) == public_id:
            return Person.objects.get(pk=match.person.pk)
    return None


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _rows_by_name(base: QuerySet[Person], query_tokens: list[str]) -> list[Any]:
    """``name_candidates`` rows for all the names; when none match, those sharing any two of them
    (a registration gives first and last name at least)."""
    rows = name_candidates(base, query_tokens, cap=50)
    if rows or len(query_tokens) < 2:
        return list(rows)
    seen: set[int] = set()
    out: list[Any] = []
    for i in range(len(query_tokens)):
        for j in range(i + 1, len(query_tokens)):
            for row in name_candidates(base, [query_tokens[i], query_tokens[j]], cap=50):
                if row[0] not in seen:
                    seen.add(row[0])
                    out.append(row)
    return out


def _parent_names(children: list[int], kinds: list[str]) -> dict[int, dict[str, list[str]]]:
    """The name tokens of each child's parents of these kinds: {child pk: {kind: tokens}}."""
    parents: dict[int, dict[str, list[str]]] = {}
    for rel in Relationship.objects.filter(
        child_id__in=children, kind__in=kinds, is_active=True, relative__isnull=False
    ).select_related("relative"):
        parents.setdefault(rel.child_id, {})[rel.kind] = names.tokens(*rel.relative.name_parts)
    return parents


class _Compared(Protocol):
    """What the duplicate score reads of a registered person (a ``Person`` or a ``DuplicateRow``)."""

    @property
    def sex(self) -> str: ...
    @property
    def date_of_birth(self) -> dt.date | None: ...
    @property
    def date_of_birth_estimated(self) -> bool: ...
    @property
    def ward_id(self) -> int | None: ...
    @property
    def sub_county_id(self) -> int | None: ...


def _scored_by_birth(
    score: float, born: dt.date | None, estimated: bool, person: _Compared, reasons: list[str]
) -> float:
    """``score`` raised or lowered by how close the dates of birth are; the reason goes in ``reasons``."""
    if not (born and person.date_of_birth):
        return score
    gap = abs((born - person.date_of_birth).days)
    loose = estimated or person.date_of_birth_estimated
    if gap == 0:
        reasons.append(_("same date of birth"))
        return score + 0.3
    if gap <= (730 if loose else 366):
        reasons.append(_("close date of birth"))
        return score + 0.15
    return score - 0.3 if gap > 3 * 366 else score


def _scored_by_sex_and_place(score: float, data: PersonInput, person: _Compared, reasons: list[str]) -> float:
    """``score`` raised or lowered by the sex and the ward (or sub-county) of the two."""
    ward = data.ward
    return _scored_by_sex_and_ward(
        score, data.sex, ward.pk if ward else None, ward.sub_county_id if ward else None, person, reasons
    )


def _scored_by_sex_and_ward(
    score: float, sex: str, ward_id: int | None, sub_county_id: int | None, person: _Compared, reasons: list[str]
) -> float:
    if sex and person.sex == sex:
        score += 0.05
    elif sex and Person.Sex.INTERSEX not in (sex, person.sex):
        score -= 0.2
    if ward_id is not None and person.ward_id == ward_id:
        score += 0.1
        reasons.append(_("same ward"))
    elif ward_id is not None and person.sub_county_id == sub_county_id:
        score += 0.05
        reasons.append(_("same sub-county"))
    return score


# --- The child's page ----------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    on: dt.datetime | dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""


# Later apps (cases, services, care) add providers: callable(user, person) -> list[TimelineEntry].
# Each provider must read what it shows through the scope rules and in a fixed number of queries.
TIMELINE_PROVIDERS: list[Callable[[Any, Person], list[TimelineEntry]]] = []


def register_timeline_provider(provider: Callable[[Any, Person], list[TimelineEntry]]) -> None:
    if provider not in TIMELINE_PROVIDERS:
        TIMELINE_PROVIDERS.append(provider)


@dataclass(frozen=True)
class ProfileSection:
    """A section a later app adds to the child's page: a template and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# Later apps (cases) add sections: callable(user, person) -> ProfileSection | None, read through
# the scope rules in a fixed number of queries (the registry never imports them).
PROFILE_SECTIONS: list[Callable[[Any, Person], ProfileSection | None]] = []


def register_profile_section(provider: Callable[[Any, Person], ProfileSection | None]) -> None:
    if provider not in PROFILE_SECTIONS:
        PROFILE_SECTIONS.append(provider)


def profile_sections(user: User, person: Person) -> list[ProfileSection]:
    return [section for fn in PROFILE_SECTIONS if (section := fn(user, person)) is not None]


# Kinds of rows a child often has none of, read as one EXISTS column each with the child on its
# page (``person_for_profile``): {name: callable() -> an expression over OuterRef("pk"), the
# person}. Later apps add theirs (``register_profile_flag``) for their sections and timeline
# providers, which then ask ``profile_has(person, name)`` before their query. A flag must be true
# whenever the reader could be shown a row (an unscoped EXISTS is: it counts more rows, not fewer).
PROFILE_FLAGS: dict[str, Callable[[], Any]] = {
    "merges": lambda: Exists(PersonMerge.objects.filter(survivor=OuterRef("pk"))),
    "verifications": lambda: Exists(IdentifierVerification.objects.filter(identifier__person=OuterRef("pk"))),
}
_FLAG_PREFIX = "profile_has_"


def register_profile_flag(name: str, expression: Callable[[], Any]) -> None:
    PROFILE_FLAGS[name] = expression


def profile_has(person: Person, name: str) -> bool:
    """False only when the child's page read the flag ``name`` with the child and it said the child
    has no such row; True otherwise (a person fetched by another query: ask the database)."""
    return getattr(person, f"{_FLAG_PREFIX}{name}", True) is not False


@dataclass
class Profile:
    person: Person
    identifiers: list[Identifier]
    relationships: list[Relationship]  # this person's caregivers and siblings (as child)
    cared_for: list[Relationship]  # children this person is a relative of
    memberships: list[HouseholdMember]
    consents: list[Consent]
    merges: list[PersonMerge]
    visible_ids: set[int]  # related people the viewer may open
    timeline: list[TimelineEntry]
    # The latest check of each identifier against the national register, and what later apps offer
    # to do with each identifier (e.g. "Verify with IPRS").
    verifications: dict[int, IdentifierVerification] = field(default_factory=dict)
    identifier_actions: dict[int, list[IdentifierAction]] = field(default_factory=dict)

    @property
    def identifier_rows(self) -> list[tuple[Identifier, IdentifierVerification | None, list[IdentifierAction]]]:
        return [(i, self.verifications.get(i.pk), self.identifier_actions.get(i.pk, [])) for i in self.identifiers]

    @property
    def household(self) -> Any:
        return self.memberships[0].household if self.memberships else None

    @property
    def orphan_status(self) -> str:
        dead = {r.kind for r in self.relationships if r.is_active and r.is_deceased_parent}
        if {"mother", "father"} <= dead:
            return "double"
        if dead:
            return next(iter(dead))
        return ""

    @property
    def siblings(self) -> list[tuple[Relationship, Person]]:
        out = [(r, r.relative) for r in self.relationships if r.kind == "sibling" and r.relative_id]
        out += [(r, r.child) for r in self.cared_for if r.kind == "sibling"]
        return out

    @property
    def caregivers(self) -> list[Relationship]:
        return [r for r in self.relationships if r.kind != "sibling"]

    @property
    def current_consents(self) -> dict[str, list[Consent]]:
        out: dict[str, list[Consent]] = {}
        for consent in self.consents:
            if consent.is_current:
                out.setdefault(consent.purpose, []).append(consent)
        return out


def profile_for(user: User, person: Person) -> Profile:
    """Everything on the child's page, in a fixed number of queries (``person`` from
    ``person_for_profile``, whose flags let it skip merges and checks the child has none of)."""
    identifiers = list(person.identifiers.select_related("id_type"))
    visible = people_visible_to(user)
    # Both directions in one query: as the child (caregivers, siblings) and as the relative, each
    # row with whether the viewer may open the other person.
    linked = list(
        Relationship.objects.filter(Q(child=person) | Q(relative=person), is_active=True)
        .select_related("relative", "child")
        .annotate(other_id=Case(When(child_id=person.pk, then=F("relative_id")), default=F("child_id")))
        .annotate(other_visible=Exists(visible.filter(pk=OuterRef("other_id"))))
        .order_by("kind", "id")
    )
    relationships: list[Relationship] = [r for r in linked if r.child_id == person.pk]
    cared_for: list[Relationship] = [r for r in linked if r.relative_id == person.pk]
    memberships, visible_members = _memberships(person, visible)
    consents = list(person.consents.select_related("shared_with", "given_by_person", "recorded_by"))
    merges = list(person.merges_received.select_related("actor")) if profile_has(person, "merges") else []
    visible_ids = {r.other_id for r in linked if r.other_visible} | visible_members
    visible_ids.discard(person.pk)
    timeline = [
        TimelineEntry(person.created_at, "registration", _("Registered"), person.registered_by_unit.name),
    ]
    for merge in merges:
        timeline.append(TimelineEntry(merge.at, "merge", _("Duplicate record merged in"), merge.merged_number))
    for consent in consents:
        timeline.append(TimelineEntry(consent.given_on, "consent", _("Consent given"), consent.get_purpose_display()))
        if consent.withdrawn_on:
            timeline.append(
                TimelineEntry(consent.withdrawn_on, "consent", _("Consent withdrawn"), consent.get_purpose_display())
            )
    for provider in TIMELINE_PROVIDERS:
        timeline.extend(provider(user, person))

    def when(entry: TimelineEntry) -> dt.datetime:
        on = entry.on
        if isinstance(on, dt.datetime):
            return on
        return timezone.make_aware(dt.datetime.combine(on, dt.time.min))

    timeline.sort(key=when, reverse=True)
    return Profile(
        person=person,
        identifiers=identifiers,
        relationships=relationships,
        cared_for=cared_for,
        memberships=memberships,
        consents=consents,
        merges=merges,
        visible_ids=visible_ids,
        timeline=timeline,
        verifications=latest_verifications([i.pk for i in identifiers]) if profile_has(person, "verifications") else {},
        identifier_actions=identifier_actions(user, person, identifiers),
    )


def _memberships(person: Person, visible: QuerySet[Person]) -> tuple[list[HouseholdMember], set[int]]:
    """The person's active household memberships, each household with its active members
    (``household.members.all()``), and the members the viewer may open (from ``visible``): one
    query for the members of every household the person belongs to."""
    rows = list(
        HouseholdMember.objects.filter(
            is_active=True,
            household__in=HouseholdMember.objects.filter(person=person, is_active=True).values("household_id"),
        )
        .select_related("person", "household__head", "household__ward")
        .annotate(person_visible=Exists(visible.filter(pk=OuterRef("person_id"))))
        .order_by("id")
    )
    memberships: list[HouseholdMember] = [m for m in rows if m.person_id == person.pk]
    for membership in memberships:
        set_prefetched(membership.household, "members", [m for m in rows if m.household_id == membership.household_id])
    return memberships, {m.person_id for m in rows if m.person_visible}


def audit_view(user: User, person: Person, *, request: HttpRequest | None = None, via: str = "web") -> None:
    audit_record(
        actor=user,
        action="person.view",
        obj=person,
        object_label=person.cpims_number,
        request=request,
        details={"via": via},
    )


def audit_photo_view(user: User, person: Person, *, request: HttpRequest | None = None) -> None:
    audit_record(actor=user, action="person.photo_view", obj=person, object_label=person.cpims_number, request=request)


def photo_file(user: User, public_id: Any, *, request: HttpRequest | None = None) -> PrivateFile:
    """The child's photo from the shared private storage, through the scope check (404 outside
    it or without a photo), its view audited. Also the resolver of signed "photo" file URLs."""
    person = person_for(user, public_id)
    if not person.photo:
        raise Http404
    audit_photo_view(user, person, request=request)
    content_type = mimetypes.guess_type(person.photo.name or "")[0] or "application/octet-stream"
    return PrivateFile(file=person.photo, filename="", content_type=content_type, as_attachment=False)
