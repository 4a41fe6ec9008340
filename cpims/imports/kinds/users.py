"""Kind 2: user accounts with their first role at an organisation unit.

Accounts are created through ``accounts.actions.user_create`` (which checks that the importer may
grant the role at that unit) with a long random password nobody is told, then deactivated with
``user_deactivate``: an imported account cannot sign in until an administrator reactivates it and
sets its password with the user (CPIMS has no self-service password e-mail yet).
"""

from __future__ import annotations

import secrets

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import actions as account_actions
from cpims.accounts import permissions as P
from cpims.accounts.roles import DEFAULT_ROLES
from cpims.imports import queries
from cpims.imports.kinds.base import Column, Context, ImportKind, RowProblem, choice, optional, required
from cpims.imports.reading import Row

LANGUAGES = ["en", "sw"]


class UserImport(ImportKind):
    code = "users"
    label = gettext_lazy("User accounts")
    description = gettext_lazy(
        "Accounts with their first role at an organisation unit. They stay inactive until an administrator "
        "activates them and sets their password."
    )
    perm = P.USER_MANAGE
    columns = [
        Column("username", "User name for signing in", "Jina la mtumiaji la kuingia", True, example="jdoe"),
        Column("first_name", "First name", "Jina la kwanza", True),
        Column("last_name", "Last name", "Jina la mwisho", True),
        Column("email", "E-mail", "Barua pepe"),
        Column("phone", "Phone", "Simu"),
        Column(
            "role",
            "Role code (list)",
            "Msimbo wa jukumu (orodha)",
            True,
            [r.code for r in DEFAULT_ROLES],
            example="subcounty_officer",
        ),
        Column(
            "org_unit_code",
            "Code of the unit where the role applies",
            "Msimbo wa kitengo ambapo jukumu linatumika",
            True,
            example="DCS-SC274",
        ),
        Column(
            "language",
            "Preferred language: en or sw (list)",
            "Lugha: en au sw (orodha)",
            False,
            LANGUAGES,
            example="sw",
        ),
    ]
    field_columns = {"username": "username", "email": "email", "password": "username"}

    def import_row(self, ctx: Context, row: Row) -> str:
        errors: list[tuple[str, str]] = []
        username = required(row, errors, "username")
        first_name = required(row, errors, "first_name")
        last_name = required(row, errors, "last_name")
        role_code = required(row, errors, "role")
        unit_code = required(row, errors, "org_unit_code")
        language = choice(errors, "language", optional(row, "language"), LANGUAGES) or "en"
        role = queries.role_by_code(role_code) if role_code else None
        if role_code and role is None:
            errors.append(("role", _("No role has the code %(code)s.") % {"code": role_code}))
        unit = queries.orgunit_by_code(ctx.actor, unit_code) if unit_code else None
        if unit_code and unit is None:
            errors.append(("org_unit_code", _("No unit you can see has the code %(code)s.") % {"code": unit_code}))
        if username and queries.username_taken(username):
            errors.append(("username", _("A user with that username already exists.")))
        if errors:
            raise RowProblem(errors)
        assert role is not None and unit is not None
        user = account_actions.user_create(
            actor=ctx.actor,
            request=ctx.request,
            username=username,
            password=secrets.token_urlsafe(32),
            role=role,
            org_unit=unit,
            first_name=first_name,
            last_name=last_name,
            email=optional(row, "email"),
            phone=optional(row, "phone"),
            preferred_language=language,
        )
        account_actions.user_deactivate(actor=ctx.actor, request=ctx.request, user=user)
        return "created"
