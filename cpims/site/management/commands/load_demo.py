"""Load the demo data set (CPIMS_DEMO=true only) and print the demo users' credentials."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from cpims.accounts.demo import DEMO_USERS, demo_credentials
from cpims.core.hooks import demo_loaders


class Command(BaseCommand):
    help = "Load synthetic demo data and demo users (demo mode only; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=["full", "small", "none"],
            default=None,
            help="how much synthetic data (default: CPIMS_DEMO_SIZE; `make run` loads full)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CPIMS_DEMO:
            raise CommandError("Refusing to load demo data: set CPIMS_DEMO=true (never in production).")
        size = options.get("size") or settings.CPIMS_DEMO_SIZE
        started, cpu = time.monotonic(), time.process_time()
        # The demo users first, then each app's data in the order it registered; a second run adds nothing.
        with override_settings(CPIMS_DEMO_SIZE=size):
            for loader in demo_loaders():
                loader.load()
        self.stderr.write(
            f"Demo data ({size}) loaded in {time.monotonic() - started:.0f} s "
            f"({time.process_time() - cpu:.0f} s of CPU)."
        )
        creds = demo_credentials()
        roles = {spec.username: spec.role for spec in DEMO_USERS}
        self.stdout.write("")
        self.stdout.write("Demo users (demo mode only; passwords kept in var/demo-credentials.txt):")
        for username, password in creds.items():
            self.stdout.write(f"  {username:<28} {password:<22} {roles[username]}")
        self.stdout.write("")
