"""Forms: parse input into the plain data the actions take. Validation rules live in actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.accounts.models import User
from cpims.core.forms import DATE_WIDGET, as_int, attach_errors, codes, style  # noqa: F401 - re-exported for views
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.registry import actions, queries
from cpims.registry.actions import PersonInput, RelativeInput
from cpims.registry.models import Consent, Person, Relationship


class AreaFieldsMixin:
    """County > sub-county > ward selects. Only the options of the chosen parent are rendered (a
    phone on 3G should not download 1,450 wards); htmx refills them when the parent changes."""

    fields: dict[str, Any]
    initial: dict[str, Any]
    add_prefix: Any

    def setup_areas(self, data: Any, initial_ward: Area | None, default_area: Area | None = None) -> None:
        county_id = sub_county_id = None
        if data is not None:
            county_id = as_int(data.get(self.add_prefix("county")))
            sub_county_id = as_int(data.get(self.add_prefix("sub_county")))
        elif initial_ward is not None:
            county_id, sub_county_id = initial_ward.county_id, initial_ward.sub_county_id
            self.initial.update({"county": county_id, "sub_county": sub_county_id, "ward": initial_ward.pk})
        elif default_area is not None:
            county_id = default_area.county_id
            sub_county_id = default_area.sub_county_id
            self.initial.update({"county": county_id, "sub_county": sub_county_id})
        self.fields["county"].queryset = Area.objects.filter(level=Area.Level.COUNTY).order_by("name")
        sub_counties = Area.objects.filter(level=Area.Level.SUB_COUNTY, county_id=county_id)
        self.fields["sub_county"].queryset = sub_counties.order_by("name") if county_id else Area.objects.none()
        wards = Area.objects.filter(level=Area.Level.WARD, sub_county_id=sub_county_id)
        self.fields["ward"].queryset = wards.order_by("name") if sub_county_id else Area.objects.none()
        url = reverse("geo:area_options")
        for parent, child, level in (("county", "sub_county", "sub_county"), ("sub_county", "ward", "ward")):
            self.fields[parent].widget.attrs.update(
                {
                    "hx-get": f"{url}?level={level}",
                    "hx-target": f"#id_{self.add_prefix(child)}",
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                }
            )


class PersonFieldsForm(AreaFieldsMixin, forms.Form):
    """The details of one person, shared by registration and editing."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    other_names = forms.CharField(
        label=_("Other names"), max_length=200, required=False, help_text=_("Nicknames, clan or baptismal names.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Person.Sex.choices])
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_WIDGET)
    date_of_birth_estimated = forms.BooleanField(label=_("The date of birth is estimated"), required=False)
    age_years = forms.IntegerField(
        label=_("Or: age about (years)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is not known."),
    )
    county = forms.ModelChoiceField(label=_("County"), queryset=Area.objects.none(), required=False)
    sub_county = forms.ModelChoiceField(label=_("Sub-county"), queryset=Area.objects.none(), required=False)
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Area.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Unknown ward: choose a ward from the list.")},
    )
    village = forms.CharField(label=_("Village or estate"), max_length=120, required=False)
    landmark = forms.CharField(label=_("Landmark"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    school_name = forms.CharField(label=_("School"), max_length=200, required=False)
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=Code.objects.none(), required=False)
    disability = forms.ModelChoiceField(label=_("Disability"), queryset=Code.objects.none(), required=False)
    birth_certificate = forms.ChoiceField(
        label=_("Birth certificate"), choices=Person.BirthCertificate.choices, initial=Person.BirthCertificate.UNKNOWN
    )

    kind = Person.Kind.CHILD

    def __init__(
        self,
        *args: Any,
        ward: Area | None = None,
        default_area: Area | None = None,
        instance: Person | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.setup_areas(self.data if self.is_bound else None, ward, default_area)
        self.fields["school_class"].queryset = codes("class_level_id")
        self.fields["disability"].queryset = codes("disability_type_id")
        self.fields["disability"].empty_label = _("None")
        style(self)

    def identifiers(self) -> list[tuple[Code, str]]:
        return []

    def to_input(self) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            kind=self.kind,
            first_name=d.get("first_name", ""),
            middle_name=d.get("middle_name", ""),
            last_name=d.get("last_name", ""),
            other_names=d.get("other_names", ""),
            sex=d.get("sex", ""),
            date_of_birth=d.get("date_of_birth"),
            date_of_birth_estimated=bool(d.get("date_of_birth_estimated")),
            age_years=d.get("age_years"),
            ward=d.get("ward"),
            village=d.get("village", ""),
            landmark=d.get("landmark", ""),
            phone=d.get("phone", ""),
            school_name=d.get("school_name", ""),
            school_class=d.get("school_class"),
            disability=d.get("disability"),
            birth_certificate=d.get("birth_certificate") or Person.BirthCertificate.UNKNOWN,
            identifiers=self.identifiers(),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            for name, messages in actions.validate_person(self.to_input(), instance=self.instance).items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


class IdentifierFieldsMixin:
    """One identifier (type + number) given with a new person."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def setup_identifier(self) -> None:
        self.fields["identifier_type"].queryset = queries.person_identifier_types()

    def identifiers(self) -> list[tuple[Code, str]]:
        id_type = self.cleaned_data.get("identifier_type")
        value = (self.cleaned_data.get("identifier_value") or "").strip()
        return [(id_type, value)] if id_type and value else []


class ChildForm(IdentifierFieldsMixin, PersonFieldsForm):
    identifier_type = forms.ModelChoiceField(label=_("Identifier"), queryset=Code.objects.none(), required=False)
    identifier_value = forms.CharField(label=_("Identifier number"), max_length=60, required=False)
    org_unit = forms.ModelChoiceField(label=_("Registering office"), queryset=OrgUnit.objects.none())
    child_heads_household = forms.BooleanField(
        label=_("The child heads the household (no adult caregiver at home)"), required=False
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent to register given by"),
        choices=[("", _("Not recorded yet")), *Consent.GivenBy.choices],
        required=False,
    )
    consent_date = forms.DateField(label=_("Date of consent"), required=False, widget=DATE_WIDGET)
    register_anyway = forms.BooleanField(
        label=_("I checked the possible duplicates: this is a different child. Register anyway."), required=False
    )

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_identifier()
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["org_unit"].empty_label = None
        if len(units) == 1:
            self.fields["org_unit"].widget = forms.HiddenInput()
            self.initial.setdefault("org_unit", units[0].pk)
        self.initial.setdefault("consent_date", timezone.localdate())
        style(self)

    def clean_identifier_value(self) -> str:
        value = self.cleaned_data.get("identifier_value", "").strip()
        if value and not self.cleaned_data.get("identifier_type"):
            raise ValidationError(_("Choose the type of this identifier."))
        return value


class PersonEditForm(PersonFieldsForm):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput())

    def __init__(self, *args: Any, instance: Person, **kwargs: Any) -> None:
        if not args and "data" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in PersonFieldsForm.base_fields if hasattr(instance, name)},
                "updated_at": instance.updated_at.isoformat(),
                "school_class": instance.school_class_id,
                "disability": instance.disability_id,
            }
        super().__init__(*args, instance=instance, ward=instance.ward, **kwargs)
        self.kind = instance.kind
        if instance.kind == Person.Kind.CAREGIVER:
            for name in ("school_name", "school_class"):
                del self.fields[name]


class RelativeForm(IdentifierFieldsMixin, forms.Form):
    """A caregiver given with a registration (or added later). Empty forms are skipped; a parent
    who has died may be recorded without a name."""

    kind = forms.ChoiceField(
        label=_("Relationship"),
        choices=[(k, label) for k, label in Relationship.Kind.choices if k != Relationship.Kind.SIBLING],
    )
    parent_status = forms.ChoiceField(
        label=_("Alive or deceased"),
        choices=Relationship.ParentStatus.choices,
        initial=Relationship.ParentStatus.ALIVE,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Person.Sex.choices], required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_WIDGET)
    age_years = forms.IntegerField(label=_("Or: age about (years)"), required=False, min_value=0, max_value=120)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    identifier_type = forms.ModelChoiceField(label=_("Identifier"), queryset=Code.objects.none(), required=False)
    identifier_value = forms.CharField(label=_("Identifier number"), max_length=60, required=False)
    lives_with_child = forms.BooleanField(label=_("Lives with the child"), required=False, initial=True)
    is_household_head = forms.BooleanField(label=_("Head of household"), required=False)
    # Search before create: "" (not asked yet), "new" (a different person), or the public id of
    # a registered person offered as a match (checked again by the view and the action).
    use_existing = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput())

    relationship_kinds = Relationship.CAREGIVER_KINDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_identifier()
        self.existing: Person | None = None
        self.matches: list[Any] = []
        style(self)

    def picked(self) -> str:
        """The public id of the registered person chosen, or ""."""
        value = ((self.cleaned_data or {}).get("use_existing") or "").strip()
        return "" if value == "new" else value

    def is_blank(self) -> bool:
        d = self.cleaned_data
        named = any((d.get(n) or "").strip() for n in ("first_name", "last_name", "identifier_value"))
        return not named and d.get("parent_status", "alive") == Relationship.ParentStatus.ALIVE

    def has_person(self) -> bool:
        d = self.cleaned_data
        return any((d.get(n) or "").strip() for n in ("first_name", "middle_name", "last_name"))

    def to_relative(self) -> RelativeInput:
        d = self.cleaned_data
        person = None
        if self.has_person():
            person = PersonInput(
                kind=Person.Kind.CAREGIVER,
                first_name=d.get("first_name", ""),
                middle_name=d.get("middle_name", ""),
                last_name=d.get("last_name", ""),
                sex=d.get("sex", "") or _default_sex(d.get("kind", "")),
                date_of_birth=d.get("date_of_birth"),
                age_years=d.get("age_years"),
                phone=d.get("phone", ""),
                identifiers=self.identifiers(),
            )
        relative = RelativeInput(
            kind=d.get("kind", ""),
            person=person,
            parent_status=d.get("parent_status") or Relationship.ParentStatus.ALIVE,
            lives_with_child=bool(d.get("lives_with_child")),
            is_household_head=bool(d.get("is_household_head")),
        )
        if self.existing is not None:
            relative.person, relative.existing = None, self.existing
        return relative

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.is_blank() and not self.picked():
            relative = self.to_relative()
            if relative.person is not None and not cleaned.get("use_existing"):
                # Not asked yet: a number already registered is offered as a match, not refused.
                relative.person.identifiers = []
            for name, messages in actions.validate_relative(relative).items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


def _default_sex(kind: str) -> str:
    return {"mother": Person.Sex.FEMALE, "father": Person.Sex.MALE}.get(kind, "")


class SiblingForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Person.Sex.choices], required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_WIDGET)
    age_years = forms.IntegerField(label=_("Or: age about (years)"), required=False, min_value=0, max_value=17)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(n) or "").strip() for n in ("first_name", "last_name"))

    def to_relative(self, child_ward: Area | None = None) -> RelativeInput:
        d = self.cleaned_data
        return RelativeInput(
            kind=Relationship.Kind.SIBLING,
            person=PersonInput(
                kind=Person.Kind.CHILD,
                first_name=d.get("first_name", ""),
                middle_name=d.get("middle_name", ""),
                last_name=d.get("last_name", ""),
                sex=d.get("sex", ""),
                date_of_birth=d.get("date_of_birth"),
                age_years=d.get("age_years"),
                ward=child_ward,
            ),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.is_blank():
            problems = actions.validate_relative(self.to_relative())
            problems.pop("ward", None)  # siblings live in the child's ward, checked with the child
            for name, messages in problems.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


RelativeFormSet = forms.formset_factory(RelativeForm, extra=2, max_num=6, validate_max=True)
SiblingFormSet = forms.formset_factory(SiblingForm, extra=2, max_num=10, validate_max=True)


class RelativeAddForm(RelativeForm):
    """Add a caregiver or sibling to a child: a new person, or one already registered (by number)."""

    kind = forms.ChoiceField(label=_("Relationship"), choices=Relationship.Kind.choices)
    existing_number = forms.CharField(
        label=_("Or: CPIMS number of a person already registered"), max_length=24, required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_existing_number(self) -> str:
        from cpims.registry.numbers import normalise_number

        text = self.cleaned_data.get("existing_number", "").strip()
        if not text:
            return ""
        number = normalise_number(text)
        found = queries.people_visible_to(self.user).filter(cpims_number=number).first() if number is not None else None
        if found is None:
            raise ValidationError(_("No record with this CPIMS number among the records you can see."))
        self.existing = found
        return number or ""

    def to_relative(self) -> RelativeInput:
        relative = super().to_relative()
        if relative.kind == Relationship.Kind.SIBLING and relative.person is not None:
            relative.person.kind = Person.Kind.CHILD
        if self.existing is not None:
            relative.person, relative.existing = None, self.existing
        return relative

    def clean(self) -> dict[str, Any]:
        cleaned = forms.Form.clean(self)
        if not self.errors:
            if self.is_blank() and self.existing is None:
                self.add_error(None, _("Enter the person's name, or the CPIMS number of a registered person."))
            else:
                problems = actions.validate_relative(self.to_relative())
                problems.pop("ward", None)  # a relative without a ward lives in the child's ward
                for name, messages in problems.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return cleaned


class RelationshipForm(forms.Form):
    parent_status = forms.ChoiceField(label=_("Alive or deceased"), choices=Relationship.ParentStatus.choices)
    lives_with_child = forms.BooleanField(label=_("Lives with the child"), required=False)
    ended = forms.BooleanField(label=_("This relationship has ended (remove from the child's record)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class IdentifierForm(forms.Form):
    id_type = forms.ModelChoiceField(label=_("Identifier"), queryset=Code.objects.none())
    value = forms.CharField(label=_("Number"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_type"].queryset = queries.person_identifier_types()
        style(self)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    shared_with = forms.ModelChoiceField(
        label=_("Shared with (for data sharing)"), queryset=OrgUnit.objects.none(), required=False
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=Consent.GivenBy.choices)
    given_by_person = forms.ModelChoiceField(label=_("Guardian"), queryset=Person.objects.none(), required=False)
    given_on = forms.DateField(label=_("Date given"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(is_active=True)
        if person.county_id:
            # Units of the child's county and the national ones: a short list, not every unit in Kenya.
            units = units.filter(Q(county_id=person.county_id) | Q(kind__in=("national", "regional", "helpline")))
        self.fields["shared_with"].queryset = units.order_by("name")
        self.fields["given_by_person"].queryset = Person.objects.filter(
            relationships_as_relative__child=person,
            relationships_as_relative__is_active=True,
            relationships_as_relative__kind__in=sorted(Relationship.CAREGIVER_KINDS),
        ).distinct()
        style(self)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Date withdrawn"), widget=DATE_WIDGET, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG, at most 2 MB)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"
        style(self)


class MergeForm(forms.Form):
    duplicate_number = forms.CharField(label=_("CPIMS number of the duplicate record"), max_length=24)
    reason = forms.CharField(label=_("Why these are the same child"), max_length=300)
    confirm = forms.BooleanField(
        label=_("Merge: everything on the duplicate moves to this record, and the duplicate's number will lead here."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class SearchForm(AreaFieldsMixin, forms.Form):
    q = forms.CharField(
        label=_("Name, CPIMS number or identifier"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Children and caregivers")), *Person.Kind.choices], required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Any")), *Person.Sex.choices], required=False)
    age = forms.IntegerField(
        label=_("Age (about)"),
        min_value=0,
        max_value=120,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (if known)"),
        required=False,
        widget=DATE_WIDGET,
    )
    age_min = forms.IntegerField(label=_("Age from"), min_value=0, max_value=120, required=False)
    age_max = forms.IntegerField(label=_("Age to"), min_value=0, max_value=120, required=False)
    dob_from = forms.DateField(label=_("Born from"), required=False, widget=DATE_WIDGET)
    dob_to = forms.DateField(label=_("Born until"), required=False, widget=DATE_WIDGET)
    county = forms.ModelChoiceField(label=_("County"), queryset=Area.objects.none(), required=False)
    sub_county = forms.ModelChoiceField(label=_("Sub-county"), queryset=Area.objects.none(), required=False)
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Area.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_areas(self.data if self.is_bound else None, None)
        style(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        lo, hi = cleaned.get("age_min"), cleaned.get("age_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("age_max", _("The upper age must not be below the lower age."))
        start, end = cleaned.get("dob_from"), cleaned.get("dob_to")
        if start and end and start > end:
            self.add_error("dob_to", _("The end date must not be before the start date."))
        return cleaned

    def to_filters(self) -> queries.SearchFilters:
        d = self.cleaned_data
        return queries.SearchFilters(
            q=d.get("q") or "",
            kind=d.get("kind") or "",
            sex=d.get("sex") or "",
            age_min=d.get("age_min"),
            age_max=d.get("age_max"),
            age=d.get("age"),
            date_of_birth=d.get("date_of_birth"),
            dob_from=d.get("dob_from"),
            dob_to=d.get("dob_to"),
            county=d.get("county"),
            sub_county=d.get("sub_county"),
            ward=d.get("ward"),
        )
