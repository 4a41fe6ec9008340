"""Enqueue periodic tasks when due (see cpims.core.schedule); runs until stopped. Several may run
(one per host): each slot of each job is enqueued once."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cpims.core import schedule


class Command(BaseCommand):
    help = "Enqueue the periodic background tasks of settings.CPIMS_SCHEDULE when they fall due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue the jobs whose slot is free, then stop")
        parser.add_argument("--interval", type=int, default=30, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = schedule.jobs()
        while True:
            for path in schedule.tick(jobs, timezone.now()):
                self.stdout.write(f"enqueued {path}")
            if options["once"]:
                return
            time.sleep(options["interval"])
