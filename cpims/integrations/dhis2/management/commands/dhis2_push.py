"""Push (or dry-run) a period's caseload figures to DHIS2 from the command line or cron.

    manage.py dhis2_push --period 2026/27-Q1 [--county 047] [--dry-run] [--user demo.national]

Runs in this process (no worker needed) as a national user holding dhis2.push: ``--user``, or the
server configuration's "command runs as" account. Exit status 0 on SUCCESS/WARNING, 1 otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cpims.accounts.models import User
from cpims.integrations.dhis2 import actions, queries


class Command(BaseCommand):
    help = "Push a period's caseload data value set to DHIS2 (with --dry-run, DHIS2 checks it and saves nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="Reporting period, e.g. 2026-07, 2026/27-Q1, 2026/27.")
        parser.add_argument("--county", help="Official county code, e.g. 047 (default: every mapped org unit).")
        parser.add_argument("--dry-run", action="store_true", help="Ask DHIS2 to check the data without saving it.")
        parser.add_argument("--user", help="Username to act as (a national user with dhis2.push).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = queries.parse_period(options["period"])
            county = queries.county_by_code(options["county"]) if options.get("county") else None
            actor = self._actor(options.get("user"))
            log = actions.push(
                actor=actor, period=period, org_units=[county] if county else None, dry_run=options["dry_run"], run=True
            )
        except ValidationError as exc:
            raise CommandError("; ".join(m for msgs in exc.message_dict.values() for m in msgs)) from exc
        except PermissionDenied as exc:
            raise CommandError("That user may not push to DHIS2 (a national role with dhis2.push is needed).") from exc
        self.stdout.write(
            f"{'Dry run' if log.dry_run else 'Push'} {log.period} ({log.period_dhis2}), {len(log.org_units)} org units,"
            f" {log.values_built} values built, {log.values_sent} sent: {log.status.upper()}"
            f" imported={log.imported} updated={log.updated} ignored={log.ignored} deleted={log.deleted}"
            f" conflicts={len(log.conflicts)}"
        )
        if log.message:
            self.stdout.write(log.message)
        for conflict in log.conflicts[:20]:
            self.stdout.write(f"  conflict: {conflict.get('object', '')}: {conflict.get('value', '')}")
        if log.status not in ("success", "warning"):
            raise CommandError(f"DHIS2 push {log.status}.")

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {username!r}.")
            return user
        server = queries.active_server()
        if server is None or server.run_as is None:
            raise CommandError("Give --user, or set the DHIS2 server's 'command runs as' account.")
        return server.run_as
