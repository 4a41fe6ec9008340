"""Rebuild the caseload facts from the records, or fold in pending changes (--catch-up, for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cpims.core.dbrouters import primary
from cpims.reporting import facts


class Command(BaseCommand):
    help = "Rebuild every caseload fact (or, with --catch-up, only the cases changed since the last run)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--catch-up", action="store_true", help="only fold in queued and recent changes")

    def handle(self, *args: Any, catch_up: bool = False, **options: Any) -> None:
        with primary():  # it reads what it writes: never from a replica
            self._handle(catch_up=catch_up, **options)

    def _handle(self, *, catch_up: bool, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        if catch_up:
            n = facts.catch_up(sweep=True)
            if verbosity:
                self.stdout.write(f"{n} cases refreshed")
            return

        def progress(done: int, total: int) -> None:
            if verbosity > 1 or (verbosity and done % 50_000 < facts.CHUNK):
                self.stdout.write(f"{done}/{total} cases")

        n = facts.rebuild_all(progress=progress)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Facts rebuilt for {n} cases."))
