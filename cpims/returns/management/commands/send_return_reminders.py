"""Send reminders for overdue monthly returns (run daily; safe to run more than once a day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Email reminders for overdue monthly returns (once per unit, month and day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD, Africa/Nairobi); default: today")
        parser.add_argument("--enqueue", action="store_true", help="queue the background task instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from cpims.returns.tasks import send_return_reminders

            send_return_reminders.enqueue()
            self.stdout.write("queued")
            return
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be YYYY-MM-DD") from exc
        from cpims.returns.reminders import send_reminders

        self.stdout.write(f"reminders sent: {send_reminders(today=today)}")
