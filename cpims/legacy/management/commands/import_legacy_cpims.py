"""python manage.py import_legacy_cpims --from-url postgres://…/legacy [--dry-run] [--since DATE] [--county CODE]
[--workers N]"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cpims.legacy import actions
from cpims.legacy.reader import LegacySourceError
from cpims.legacy.report import write_reports


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError("--since takes a date as YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Import an existing CPIMS database (read-only), idempotently and resumably; writes a mapping report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-url", required=True, help="postgres://user@host/db of the existing CPIMS")
        parser.add_argument("--dry-run", action="store_true", help="read and map everything, write nothing")
        parser.add_argument("--since", type=_date, help="only rows created on or after this date")
        parser.add_argument("--county", default="", help="only this county (official code, e.g. 047)")
        parser.add_argument("--batch-size", type=int, default=actions.BATCH)
        parser.add_argument(
            "--user-role", default=actions.Options.user_role, help="role code given to imported accounts"
        )
        parser.add_argument("--no-duplicate-check", action="store_true", help="skip the registry duplicate check")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes for the large tables (PostgreSQL; a whole-country import): about one per core",
        )

    def _progress(self, table: str, seen: int, total: int | None, seconds: float) -> None:
        rate = seen / seconds if seconds > 0 else 0.0
        eta = f"{(total - seen) / rate:,.0f} s" if rate and total else "?"
        sys.stderr.write(f"\r{table}: {seen:,}/{total or 0:,} rows, {rate:,.0f} rows/s, ETA {eta}   ")
        sys.stderr.flush()

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["batch_size"] < 1 or opts["batch_size"] > 10_000:
            raise CommandError("--batch-size must be between 1 and 10000")
        if opts["workers"] < 1 or opts["workers"] > 32:
            raise CommandError("--workers must be between 1 and 32")
        options = actions.Options(
            url=opts["from_url"],
            dry_run=opts["dry_run"],
            since=opts["since"],
            county_code=opts["county"],
            batch_size=opts["batch_size"],
            check_duplicates=not opts["no_duplicate_check"],
            workers=opts["workers"],
            user_role=opts["user_role"],
        )
        run = actions.import_start(actor=None, options=options)
        try:
            run = actions.import_run(actor=None, run=run, options=options, progress=self._progress)
        except (LegacySourceError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            sys.stderr.write("\n")
            csv_path, html_path = write_reports(run)
            self.stdout.write(f"Report: {html_path}\nReport (CSV): {csv_path}")
        for table, c in sorted(run.counts.items()):
            self.stdout.write(
                f"{table}: read {c['read']}, imported {c['imported']}, updated {c['updated']}, "
                f"unchanged {c['unchanged']}, skipped {c['skipped']}, rejected {c['rejected']}, "
                f"duplicates {c['duplicates']}"
            )
