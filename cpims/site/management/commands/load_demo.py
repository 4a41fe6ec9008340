"""Load the demo data set (CPIMS_DEMO=true only) and print the demo users' credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpims.accounts.demo import DEMO_USERS, demo_credentials
from cpims.core.hooks import demo_loaders


class Command(BaseCommand):
    help = "Load synthetic demo data and demo users (demo mode only; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CPIMS_DEMO:
            raise CommandError("Refusing to load demo data: set CPIMS_DEMO=true (never in production).")
        # The demo users first, then each app's data in the order it registered; a second run adds nothing.
        for loader in demo_loaders():
            loader.load()
        creds = demo_credentials()
        roles = {spec.username: spec.role for spec in DEMO_USERS}
        self.stdout.write("")
        self.stdout.write("Demo users (demo mode only; passwords kept in var/demo-credentials.txt):")
        for username, password in creds.items():
            self.stdout.write(f"  {username:<28} {password:<22} {roles[username]}")
        self.stdout.write("")
