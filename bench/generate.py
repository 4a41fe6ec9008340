"""Generate a synthetic national registry: children, caregivers and households over Kenya's 47
counties in proportion to their population.

    python -m bench.generate --children 1000000

Idempotent and resumable: households are numbered and each is drawn from its own seeded random
generator, and progress is committed with every batch, so running again with the same or a larger
``--children`` adds only what is missing (and the same data every time). Rows are written with
bulk inserts, bypassing the per-record actions (and their audit events), which is what makes a
million children take minutes, not hours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bench import names as N
from bench.setup import django_setup

SEED = 20240701
PROGRESS = "bench_children"
HOUSEHOLDS = "bench_households"
BIRTH_CERT_BASE = 30_000_000
NATIONAL_ID_BASE = 20_000_000


@dataclass
class Area:
    ward_id: int
    sub_county_id: int
    county_id: int
    name: str
    office_id: int


@dataclass
class Draft:
    """One person before insertion."""

    kind: str
    first: str
    middle: str
    last: str
    sex: str
    born: dt.date | None
    estimated: bool
    area: Area
    birth_certificate: str = "unknown"
    school: str = ""
    class_code: str = ""
    ids: list[tuple[str, str]] = field(default_factory=list)
    person: Any = None


@dataclass
class HouseholdDraft:
    area: Area
    village: str
    children: list[Draft]
    mother: Draft | None
    mother_status: str
    father: Draft | None
    father_status: str
    guardian: Draft | None
    child_headed: bool
    father_at_home: bool = True


class Context:
    """Reference rows the generator needs, read once."""

    def __init__(self, county_weights: dict[str, float] | None = None) -> None:
        from cpims.core.models import Code
        from cpims.geo.models import Area as AreaModel
        from cpims.geo.models import OrgUnit

        offices = dict(OrgUnit.objects.filter(code__startswith="DCS-SC").values_list("sub_county_id", "id"))
        self.wards: dict[str, list[Area]] = {}
        rows = AreaModel.objects.filter(level="ward").values_list(
            "id", "sub_county_id", "county_id", "name", "county__code"
        )
        for ward_id, sub_county_id, county_id, name, county_code in rows.order_by("code"):
            if sub_county_id in offices:
                area = Area(ward_id, sub_county_id, county_id, name, offices[sub_county_id])
                self.wards.setdefault(county_code, []).append(area)
        # Counties weighted by their population, or as the caller says (the demo: two in full).
        weights = county_weights or N.COUNTY_POPULATION
        self.counties = sorted(c for c in weights if c in self.wards and weights[c] > 0)
        self.weights = [weights[c] for c in self.counties]
        codes = Code.objects.filter(code_list__name__in=["identifier_type_id", "class_level_id"])
        self.codes = {(c.code_list.name, c.code): c.pk for c in codes.select_related("code_list")}
        self.user = bench_user()


def bench_user() -> Any:
    from cpims.accounts.models import User

    user, created = User.objects.get_or_create(username="bench.registrar", defaults={"first_name": "Bench"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


CLASS_BY_AGE = {6: "CLS1", 7: "CLS2", 8: "CLS3", 9: "CLS4", 10: "CLS5", 11: "CLS6", 12: "CLS7", 13: "CLS8",
                14: "FOM1", 15: "FOM2", 16: "FOM3", 17: "FOM4", 4: "PREU", 5: "PREU"}  # fmt: skip


def _birth_date(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - dt.timedelta(days=age * 365 + rng.randrange(365))


def _maybe_misspell(rng: random.Random, name: str) -> str:
    # Records keep the spelling the officer wrote down: about 1 name in 25 is a variant.
    return N.misspell(rng, name) if rng.random() < 0.04 else name


def draw_household(ctx: Context, index: int, today: dt.date) -> HouseholdDraft:
    rng = random.Random(f"{SEED}:{index}")
    county = rng.choices(ctx.counties, weights=ctx.weights)[0]
    area = rng.choice(ctx.wards[county])
    community = N.community_for(rng, county)
    family = N.family_name(rng, community)
    n_children = rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 22, 12, 6])[0]
    ages = sorted((rng.randrange(18) for _ in range(n_children)), reverse=True)
    mother_alive = rng.random() < 0.88
    father_alive = rng.random() < 0.8
    oldest = ages[0]
    child_headed = not mother_alive and not father_alive and oldest >= 12 and rng.random() < 0.35

    def adult(sex: str, age: int, last: str) -> Draft:
        draft = Draft(
            kind="caregiver",
            first=_maybe_misspell(rng, N.given_name(rng, community, sex)),
            middle="",
            last=_maybe_misspell(rng, last),
            sex=sex,
            born=_birth_date(rng, today, age) if rng.random() < 0.7 else None,
            estimated=rng.random() < 0.5,
            area=area,
        )
        return draft

    mother_age = oldest + rng.randrange(17, 30)
    mother = (
        adult("female", mother_age, N.family_name(rng, community) if rng.random() < 0.6 else family)
        if mother_alive or rng.random() < 0.5
        else None
    )
    father = adult("male", mother_age + rng.randrange(0, 10), family) if father_alive and rng.random() < 0.7 else None
    if father is None and not father_alive and rng.random() < 0.3:
        father = adult("male", mother_age + rng.randrange(0, 10), family)
    guardian = None
    if not mother_alive and not child_headed:
        guardian = adult("female", min(mother_age + rng.randrange(18, 30), 85), N.family_name(rng, community))
    children = []
    for age in ages:
        sex = rng.choice(["female", "male"]) if rng.random() > 0.002 else "intersex"
        child = Draft(
            kind="child",
            first=_maybe_misspell(rng, N.given_name(rng, community, "female" if sex == "female" else "male")),
            middle=N.given_name(rng, community, "female" if sex == "female" else "male") if rng.random() < 0.5 else "",
            last=_maybe_misspell(rng, family),
            sex=sex,
            born=_birth_date(rng, today, age),
            estimated=rng.random() < 0.15,
            area=area,
        )
        if rng.random() < 0.55:
            child.birth_certificate = "has"
        elif rng.random() < 0.3:
            child.birth_certificate = "notification"
        else:
            child.birth_certificate = rng.choice(["none", "applied", "unknown"])
        if age in CLASS_BY_AGE and rng.random() < 0.85:
            child.class_code = CLASS_BY_AGE[age]
            child.school = f"{area.name} {'Primary' if age < 14 else 'Secondary'} School"
        children.append(child)
    village = f"{rng.choice(['Kijiji', 'Mtaa', 'Shamba', 'Soko', 'Mlima'])} {rng.randrange(1, 40)}"
    return HouseholdDraft(
        area=area,
        village=village,
        children=children,
        mother=mother,
        mother_status="alive" if mother_alive else "deceased",
        father=father,
        father_status="alive" if father_alive else "deceased",
        guardian=guardian,
        child_headed=child_headed,
        father_at_home=rng.random() < 0.67,
    )


def _people(households: Iterable[HouseholdDraft]) -> list[Draft]:
    out: list[Draft] = []
    for h in households:
        out += h.children
        out += [p for p in (h.mother, h.father, h.guardian) if p is not None]
    return out


def insert(ctx: Context, households: list[HouseholdDraft], first_number: int, today: dt.date) -> int:
    """Write one batch with bulk inserts. Returns how many people were written."""
    from cpims.registry import names
    from cpims.registry.models import (
        Household,
        HouseholdMember,
        Identifier,
        NameToken,
        NameWord,
        Person,
        Relationship,
    )
    from cpims.registry.numbers import format_number

    drafts = _people(households)
    people = []
    for offset, d in enumerate(drafts):
        d.person = Person(
            cpims_number=format_number(first_number + offset),
            kind=d.kind,
            first_name=d.first,
            middle_name=d.middle,
            last_name=d.last,
            sex=d.sex,
            date_of_birth=d.born,
            date_of_birth_estimated=d.estimated and d.born is not None,
            ward_id=d.area.ward_id,
            sub_county_id=d.area.sub_county_id,
            county_id=d.area.county_id,
            school_name=d.school,
            school_class_id=ctx.codes.get(("class_level_id", d.class_code)),
            birth_certificate=d.birth_certificate,
            registered_by_unit_id=d.area.office_id,
            created_by=ctx.user,
        )
        people.append(d.person)
    Person.objects.bulk_create(people, batch_size=2000)
    identifiers, tokens, words = [], [], set()
    birth_cert = ctx.codes[("identifier_type_id", "ISOV")]
    national_id = ctx.codes[("identifier_type_id", "INTL")]
    for d in drafts:
        p = d.person
        serial = int(p.cpims_number[2:-1])
        if d.kind == "child" and d.birth_certificate == "has":
            value = str(BIRTH_CERT_BASE + serial)
            identifiers.append(Identifier(person=p, id_type_id=birth_cert, value=value, value_normalised=value))
        elif d.kind == "caregiver" and serial % 5 < 3:
            value = str(NATIONAL_ID_BASE + serial)
            identifiers.append(Identifier(person=p, id_type_id=national_id, value=value, value_normalised=value))
        for token in names.tokens(p.first_name, p.middle_name, p.last_name):
            tokens.append(NameToken(person=p, token=token))
            words.add(token)
    Identifier.objects.bulk_create(identifiers, batch_size=5000)
    NameToken.objects.bulk_create(tokens, batch_size=5000)
    NameWord.objects.bulk_create(
        [NameWord(word=w, phonetic=names.phonetic(w)) for w in sorted(words)], ignore_conflicts=True
    )
    homes, members, relationships = [], [], []
    for h in households:
        head = h.children[0] if h.child_headed else (h.mother if h.mother_status == "alive" else h.guardian)
        if head is None:
            head = h.father if h.father and h.father_status == "alive" else None
        homes.append(
            Household(
                head=head.person if head else None,
                ward_id=h.area.ward_id,
                sub_county_id=h.area.sub_county_id,
                county_id=h.area.county_id,
                village=h.village,
                registered_by_unit_id=h.area.office_id,
                created_by=ctx.user,
            )
        )
    Household.objects.bulk_create(homes, batch_size=2000)
    for h, home in zip(households, homes, strict=True):
        living = list(h.children)
        if h.mother and h.mother_status == "alive":
            living.append(h.mother)
        if h.father and h.father_status == "alive" and h.father_at_home:
            living.append(h.father)
        if h.guardian:
            living.append(h.guardian)
        members += [HouseholdMember(household=home, person=d.person, joined_on=today) for d in living]
        for i, child in enumerate(h.children):
            for kind, relative, status in (
                ("mother", h.mother, h.mother_status),
                ("father", h.father, h.father_status),
            ):
                if relative is not None or status == "deceased":
                    relationships.append(
                        Relationship(
                            child=child.person,
                            relative=relative.person if relative else None,
                            kind=kind,
                            parent_status=status,
                            lives_with_child=status == "alive" and relative in living,
                            created_by=ctx.user,
                        )
                    )
            if h.guardian:
                relationships.append(
                    Relationship(child=child.person, relative=h.guardian.person, kind="guardian", created_by=ctx.user)
                )
            for younger in h.children[i + 1 :]:
                relationships.append(
                    Relationship(child=child.person, relative=younger.person, kind="sibling", created_by=ctx.user)
                )
    HouseholdMember.objects.bulk_create(members, batch_size=5000)
    Relationship.objects.bulk_create(relationships, batch_size=5000)
    return len(drafts)


def generate(
    children: int,
    *,
    batch: int = 5000,
    verbose: bool = True,
    county_weights: dict[str, float] | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Bring the synthetic registry up to ``children`` children (never removes any).
    ``county_weights``: county code -> weight (default: the census populations); ``today``: the
    day ages are counted from (default fixed, so a re-run draws the same ages)."""
    from django.db import transaction

    from cpims.registry.models import Counter

    ctx = Context(county_weights)
    today = today or dt.date(2025, 7, 1)
    started = time.monotonic()
    done = Counter.objects.filter(name=PROGRESS).values_list("value", flat=True).first() or 0
    while done < children:
        with transaction.atomic():
            progress, _ = Counter.objects.select_for_update().get_or_create(name=PROGRESS)
            house_counter, _ = Counter.objects.select_for_update().get_or_create(name=HOUSEHOLDS)
            numbers, _ = Counter.objects.select_for_update().get_or_create(name="person")
            done = progress.value
            index = house_counter.value
            households: list[HouseholdDraft] = []
            n = 0
            while done + n < children and n < batch:
                h = draw_household(ctx, index, today)
                households.append(h)
                n += len(h.children)
                index += 1
            written = insert(ctx, households, numbers.value + 1, today)
            numbers.value += written
            numbers.save(update_fields=["value"])
            progress.value = done + n
            progress.save(update_fields=["value"])
            house_counter.value = index
            house_counter.save(update_fields=["value"])
            done = progress.value
        if verbose:
            rate = done / max(time.monotonic() - started, 0.001)
            print(f"  {done:>9,} children ({rate:,.0f}/s)", flush=True)
    analyse()
    return {"children": done}


def analyse_statement() -> str:
    """VACUUM ANALYZE on PostgreSQL, except inside a transaction (the demo loads in one in the
    tests), where VACUUM may not run: ANALYZE alone then."""
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return "VACUUM ANALYZE"
    return "ANALYZE"


def analyse() -> None:
    """Fresh planner statistics, and on PostgreSQL a vacuum: after a bulk load the visibility map
    is empty, so the name-token index cannot answer alone (index-only scans) until it is set.
    (In production autovacuum does this as rows arrive.)"""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(analyse_statement())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, required=True, help="how many children the registry should hold")
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args(argv)
    django_setup()
    generate(args.children, batch=args.batch)


if __name__ == "__main__":
    main()
