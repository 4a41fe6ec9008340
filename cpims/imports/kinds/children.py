"""Kind 3: children with a caregiver — a charitable children's institution's resident list.

Each row registers one child (and, when named, one caregiver) through the registry's
``child_register``, after the registry's own duplicate check: a row that looks like a child
already registered is reported as a possible duplicate and not registered again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.geo.models import Area
from cpims.imports import queries
from cpims.imports.kinds.base import (
    Column,
    Context,
    ImportKind,
    RowProblem,
    choice,
    optional,
    parse_date,
    required,
)
from cpims.imports.reading import Row
from cpims.registry import queries as registry_queries
from cpims.registry.actions.inputs import PersonInput, RelativeInput
from cpims.registry.actions.people import LikelyDuplicates, child_register
from cpims.registry.models import Person, Relationship

SEXES = list(Person.Sex.values)
CAREGIVER_KINDS = [k for k in Relationship.Kind.values if k != Relationship.Kind.SIBLING]
PARENT_STATUSES = list(Relationship.ParentStatus.values)


class ChildImport(ImportKind):
    code = "children"
    label = gettext_lazy("Children with caregivers")
    description = gettext_lazy(
        "A children's institution's list of residents: each child with one caregiver. Children who look like a "
        "child already registered are reported as possible duplicates and not registered twice."
    )
    perm = P.CHILD_CREATE
    columns = [
        Column(
            "institution_code",
            "Code of the institution where the child lives",
            "Msimbo wa taasisi anapoishi mtoto",
            True,
            example="CCI-0001",
        ),
        Column("first_name", "Child's first name", "Jina la kwanza la mtoto", True),
        Column("middle_name", "Child's middle name", "Jina la kati la mtoto"),
        Column("last_name", "Child's last name", "Jina la mwisho la mtoto", True),
        Column("sex", "Child's sex (list)", "Jinsia ya mtoto (orodha)", True, SEXES, example="female"),
        Column("date_of_birth", "Date of birth, YYYY-MM-DD", "Tarehe ya kuzaliwa, YYYY-MM-DD", example="2015-03-31"),
        Column("age_years", "Approximate age in years, if the date is not known", "Umri wa kukadiria kwa miaka"),
        Column(
            "ward_code",
            "Official code of the child's ward (blank: the institution's ward)",
            "Msimbo rasmi wa wadi ya mtoto (tupu: wadi ya taasisi)",
        ),
        Column(
            "caregiver_relationship",
            "Caregiver's relationship (list)",
            "Uhusiano wa mlezi (orodha)",
            False,
            CAREGIVER_KINDS,
            example="mother",
        ),
        Column(
            "caregiver_status",
            "Parent alive, deceased or unknown (list)",
            "Mzazi yu hai, amefariki au haijulikani",
            False,
            PARENT_STATUSES,
            example="alive",
        ),
        Column("caregiver_first_name", "Caregiver's first name", "Jina la kwanza la mlezi"),
        Column("caregiver_last_name", "Caregiver's last name", "Jina la mwisho la mlezi"),
        Column("caregiver_sex", "Caregiver's sex (list)", "Jinsia ya mlezi (orodha)", False, SEXES),
        Column("caregiver_phone", "Caregiver's phone", "Simu ya mlezi"),
    ]
    field_columns = {
        "relatives.0.first_name": "caregiver_first_name",
        "relatives.0.last_name": "caregiver_last_name",
        "relatives.0.sex": "caregiver_sex",
        "relatives.0.kind": "caregiver_relationship",
        "relatives.0.parent_status": "caregiver_status",
        "relatives.0.phone": "caregiver_phone",
        "relatives.0.date_of_birth": "caregiver_first_name",
        "ward": "ward_code",
        "age_years": "age_years",
        "date_of_birth": "date_of_birth",
    }

    def import_row(self, ctx: Context, row: Row) -> str:
        errors: list[tuple[str, str]] = []
        institution_code = required(row, errors, "institution_code")
        first_name = required(row, errors, "first_name")
        last_name = required(row, errors, "last_name")
        sex = choice(errors, "sex", required(row, errors, "sex"), SEXES)
        born = parse_date(errors, "date_of_birth", optional(row, "date_of_birth"))
        age = self._age(errors, optional(row, "age_years"))
        institution = queries.orgunit_by_code(ctx.actor, institution_code) if institution_code else None
        if institution_code and institution is None:
            errors.append(
                ("institution_code", _("No unit you can see has the code %(code)s.") % {"code": institution_code})
            )
        elif institution is not None and not institution.is_institution:
            errors.append(
                (
                    "institution_code",
                    _("The unit %(code)s is not a children's institution.") % {"code": institution_code},
                )
            )
        ward = self._ward(errors, row, institution)
        relatives = self._caregiver(errors, row)
        if errors:
            raise RowProblem(errors)
        assert institution is not None
        registering = queries.registering_unit(ctx.actor, institution)
        if registering is None:
            raise RowProblem(
                [("institution_code", _("This institution lies outside the area where you may register children."))]
            )
        child = PersonInput(
            first_name=first_name,
            middle_name=optional(row, "middle_name"),
            last_name=last_name,
            sex=sex,
            date_of_birth=born,
            age_years=age if born is None else None,
            date_of_birth_estimated=False,
            ward=ward,
        )
        found = registry_queries.duplicate_candidates(ctx.actor, child, relatives=relatives, audit=False)
        if found:
            raise self._duplicate(found)
        try:
            child_register(
                actor=ctx.actor,
                org_unit=registering,
                child=child,
                relatives=relatives,
                request=ctx.request,
                via="import",
                recheck=registry_queries.duplicate_recheck(ctx.actor, child, relatives),
            )
        except LikelyDuplicates as exc:
            raise self._duplicate(exc.candidates) from exc
        return "created"

    @staticmethod
    def _duplicate(found: Sequence[Any]) -> RowProblem:
        numbers = ", ".join(sorted({c.person.cpims_number for c in found}))
        return RowProblem(
            [
                (
                    "",
                    _("Possible duplicate of the child %(numbers)s: not registered again. Check that record.")
                    % {"numbers": numbers},
                )
            ],
            duplicate=True,
        )

    @staticmethod
    def _age(errors: list[tuple[str, str]], value: str) -> int | None:
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            errors.append(("age_years", _("Enter the age as a whole number of years.")))
            return None

    @staticmethod
    def _ward(errors: list[tuple[str, str]], row: Row, institution: object) -> Area | None:
        code = optional(row, "ward_code")
        if code:
            ward = queries.area_by_code(Area.Level.WARD, code)
            if ward is None:
                errors.append(("ward_code", _("No ward has the code %(code)s.") % {"code": code}))
            return ward
        area = getattr(institution, "area", None)
        if area is not None and area.level == Area.Level.WARD:
            return area
        if institution is not None:
            errors.append(("ward_code", _("Enter the ward: the institution does not serve one ward.")))
        return None

    @staticmethod
    def _caregiver(errors: list[tuple[str, str]], row: Row) -> list[RelativeInput]:
        kind = choice(errors, "caregiver_relationship", optional(row, "caregiver_relationship"), CAREGIVER_KINDS)
        status = choice(errors, "caregiver_status", optional(row, "caregiver_status"), PARENT_STATUSES) or "alive"
        first, last = optional(row, "caregiver_first_name"), optional(row, "caregiver_last_name")
        sex = choice(errors, "caregiver_sex", optional(row, "caregiver_sex"), SEXES)
        if not (kind or first or last):
            return []
        if not kind:
            errors.append(("caregiver_relationship", _("Choose the caregiver's relationship to the child.")))
            return []
        person = None
        if first or last:
            person = PersonInput(
                first_name=first,
                last_name=last,
                sex=sex,
                kind=Person.Kind.CAREGIVER,
                phone=optional(row, "caregiver_phone"),
            )
        return [RelativeInput(kind=kind, person=person, parent_status=status, lives_with_child=False)]
