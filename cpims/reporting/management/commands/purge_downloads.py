"""Delete background downloads (and their files) older than a number of days (default 7)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete downloads older than --days (default 7) with their files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, days: int = 7, **options: Any) -> None:
        from cpims.reporting.tasks import purge_old_downloads

        count = purge_old_downloads.call(days=max(days, 0))
        self.stdout.write(f"{count} downloads deleted")
