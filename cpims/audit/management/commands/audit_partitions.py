"""Keep the audit log's monthly partitions (PostgreSQL): create the coming months, drop months
past retention, or convert the plain table in a maintenance window (``--convert``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from cpims.audit import partitions


class Command(BaseCommand):
    help = "Create upcoming monthly audit partitions and drop those past retention (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=partitions.AHEAD, help="months to create ahead")
        parser.add_argument(
            "--keep-months",
            type=int,
            default=None,
            help="drop months older than this (default CPIMS_AUDIT_KEEP_MONTHS; 0 keeps all)",
        )
        parser.add_argument(
            "--convert",
            action="store_true",
            help="turn the plain audit table into a partitioned one, copying its events (maintenance window)",
        )

    def handle(self, *args: Any, ahead: int, keep_months: int | None, convert: bool, **options: Any) -> None:
        if not partitions.supported(connection):
            self.stdout.write("The audit log is partitioned on PostgreSQL only; nothing to do.")
            return
        if ahead < 0 or (keep_months is not None and keep_months < 0):
            raise CommandError("--ahead and --keep-months must not be negative.")
        if convert:
            with transaction.atomic():
                done = partitions.convert(connection, copy=True)
            self.stdout.write("Converted the audit table." if done else "The audit table is already partitioned.")
        if not partitions.is_partitioned(connection):
            self.stdout.write("The audit table is not partitioned: run with --convert in a maintenance window.")
            return
        keep = keep_months if keep_months is not None else int(getattr(settings, "CPIMS_AUDIT_KEEP_MONTHS", 0))
        with transaction.atomic():
            created = partitions.ensure(connection, ahead=ahead)
            dropped = partitions.drop_older_than(connection, keep)
        self.stdout.write(f"Created {len(created)} partition(s), dropped {len(dropped)}.")
