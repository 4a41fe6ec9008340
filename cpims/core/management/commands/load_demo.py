"""Load the demo data set (CPIMS_DEMO=true only) and print the demo users' credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpims.core.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load synthetic demo data and demo users (demo mode only; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CPIMS_DEMO:
            raise CommandError("Refusing to load demo data: set CPIMS_DEMO=true (never in production).")
        creds = load_demo()
        # Domain demo data builds on the demo users; each loader adds nothing on a second run.
        from cpims.care.demo import load_demo_care
        from cpims.cases.demo import load_demo_cases
        from cpims.intake.demo import load_demo_intake
        from cpims.integrations.dhis2.demo import load_demo_dhis2
        from cpims.reporting.dashboards.demo import load_demo_dashboards
        from cpims.reporting.demo import load_demo_reporting
        from cpims.returns.demo import load_demo_returns

        load_demo_cases()
        load_demo_intake()
        # Care before reporting: placements feed institution returns and dashboards.
        load_demo_care()
        load_demo_reporting()
        load_demo_returns()
        load_demo_dashboards()
        load_demo_dhis2()
        roles = {spec.username: spec.role for spec in DEMO_USERS}
        self.stdout.write("")
        self.stdout.write("Demo users (demo mode only; passwords kept in var/demo-credentials.txt):")
        for username, password in creds.items():
            self.stdout.write(f"  {username:<28} {password:<22} {roles[username]}")
        self.stdout.write("")
