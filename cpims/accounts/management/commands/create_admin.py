"""Create a system administrator at the national office (DCS-HQ).

    manage.py create_admin USERNAME                 # asks for the password twice
    manage.py create_admin USERNAME --password-stdin < secret-file

Run `manage.py load_reference` first (it creates DCS-HQ and the roles).
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpims.accounts.actions import system_admin_bootstrap


class Command(BaseCommand):
    help = "Create a system administrator at DCS-HQ (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = system_admin_bootstrap(
                username=options["username"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ObjectDoesNotExist as exc:
            raise CommandError("Reference data is missing: run `manage.py load_reference` first.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created system administrator {user.username}. They set up two-factor authentication at first sign-in."
        )
